package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve"
	"github.com/gw-proxy/gw/conf"
)

// serveUntilStopped is gw without -t/-s: load, bind, write the pid file, then serve
// until a stop signal (under `daemon on`, in a background copy of itself). Start-up errors are printed nginx-style and exit 1;
// they also go to the -e error log when it is a file.
func serveUntilStopped(opts conf.LoadOptions, earlyLog string) error {
	if handled, err := daemonize(opts); handled {
		return err
	}
	s, err := serve.New(opts, earlyLog)
	if err != nil {
		return cli.Exit("gw: [alert] "+err.Error(), 1)
	}
	if err := s.Start(); err != nil {
		return cli.Exit("gw: [emerg] "+err.Error(), 1)
	}
	pid, err := writePid(s.Config())
	if err != nil {
		s.Stop(0)
		return cli.Exit("gw: [emerg] "+err.Error(), 1)
	}
	defer removePid(pid)
	if u := s.Config().User; u != nil {
		// nginx's master stays root and only its workers switch; gw has
		// one process, so it switches once everything that needs root
		// (binding low ports, opening logs, the pid file) is done.
		if err := u.Drop(); err != nil {
			s.Stop(0)
			return cli.Exit("gw: [emerg] "+err.Error(), 1)
		}
		s.Log().Info().Str("user", u.String()).Msg("running as the \"user\" directive's account")
	}
	daemonReady()
	defer startProfiles()()
	waitSignals(s)
	return nil
}

// waitSignals runs the signal loop until a stop: HUP reloads, USR1 reopens
// the logs, QUIT stops gracefully (worker_shutdown_timeout), TERM and INT
// at once.
func waitSignals(s *serve.Server) {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	for sig := range sigs {
		switch sig {
		case syscall.SIGHUP:
			s.Reload()
		case syscall.SIGUSR1:
			s.Reopen()
		case syscall.SIGQUIT:
			s.Log().Info().Msg("graceful stop")
			s.Stop(s.ShutdownTimeout())
			return
		default:
			s.Log().Info().Str("signal", sig.String()).Msg("fast stop")
			s.Stop(0)
			return
		}
	}
}
