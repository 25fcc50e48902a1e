package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream/transport"
)

// signalsByName maps -s arguments to the signals nginx sends for them.
var signalsByName = map[string]syscall.Signal{
	"stop":   syscall.SIGTERM,
	"quit":   syscall.SIGQUIT,
	"reopen": syscall.SIGUSR1,
	"reload": syscall.SIGHUP,
}

// sendSignal is -s: like nginx it reads the configuration to find the pid
// file, so a reload with a broken file fails here, with the error, before the
// running gw is disturbed.
func sendSignal(_ io.Writer, opts conf.LoadOptions, name string) error {
	sig, ok := signalsByName[name]
	if !ok {
		return cli.Exit(fmt.Sprintf("gw: invalid option: \"-s %s\"", name), 1)
	}
	cfg, err := serve.Check(opts)
	if err != nil {
		return cli.Exit("gw: [emerg] "+err.Error(), 1)
	}
	path := cfg.PidFile
	pid, err := readPid(path)
	if err != nil {
		return cli.Exit("gw: [error] "+err.Error(), 1)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		return cli.Exit(fmt.Sprintf("gw: [alert] kill(%d, %d) failed (%v)", pid, sig, err), 1)
	}
	return nil
}

// readPid reads a pid file in nginx's words when it cannot.
func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("open() %q failed (%s)", path, transport.ErrnoText(err))
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("invalid PID number %q in %q", strings.TrimSpace(string(b)), path)
	}
	return pid, nil
}
