package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gw-proxy/gw/conf"
)

// daemonEnv marks the process that `daemon on` started: its value is the
// descriptor of the pipe on which it tells its parent it serves.
const daemonEnv = "GW_DAEMON_READY_FD"

// daemonize is nginx's `daemon on` for a Go program, which cannot fork: the
// foreground gw starts itself again, detached in a session of its own, and
// exits once that copy serves (sockets bound, pid file written, user
// switched), with 0, or with the copy's exit code when its start-up failed.
// The copy inherits stderr, so start-up errors reach the terminal as they
// do from nginx, which daemonises after binding; stdin and stdout become
// /dev/null, as in nginx's ngx_daemon. A service manager waiting for the
// parent to exit (systemd's Type=forking) thus finds the server ready and
// its pid in the pid file.
//
// It returns handled=false when the configuration says `daemon off` (or
// cannot be read: then the foreground start reports the error in its usual
// words) and in the copy itself.
func daemonize(opts conf.LoadOptions) (handled bool, err error) {
	if os.Getenv(daemonEnv) != "" {
		return false, nil
	}
	cfg, err := conf.Load(opts)
	if err != nil || !cfg.Daemon {
		return false, nil
	}
	self, err := os.Executable()
	if err != nil {
		return true, cli.Exit("gw: [emerg] daemon: "+err.Error(), 1)
	}
	ready, tell, err := os.Pipe()
	if err != nil {
		return true, cli.Exit("gw: [emerg] daemon: "+err.Error(), 1)
	}
	defer ready.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return true, cli.Exit("gw: [emerg] daemon: "+err.Error(), 1)
	}
	defer null.Close()
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), daemonEnv+"=3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, os.Stderr
	cmd.ExtraFiles = []*os.File{tell} // fd 3 in the copy
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		tell.Close()
		return true, cli.Exit("gw: [emerg] daemon: "+err.Error(), 1)
	}
	tell.Close() // only the copy holds the write end now: its exit is EOF
	var b [1]byte
	if n, _ := ready.Read(b[:]); n == 1 {
		_ = cmd.Process.Release()
		return true, nil
	}
	// The copy exited without serving; it has printed why.
	var ee *exec.ExitError
	if err := cmd.Wait(); errors.As(err, &ee) && ee.ExitCode() > 0 {
		return true, cli.Exit("", ee.ExitCode())
	}
	return true, cli.Exit("gw: [emerg] daemon: the background process exited before serving", 1)
}

// daemonReady is the copy's half: once it serves, it tells the parent,
// which then exits.
func daemonReady() {
	var fd int
	if _, err := fmt.Sscan(os.Getenv(daemonEnv), &fd); err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), "daemon-ready")
	_, _ = io.WriteString(f, "1")
	f.Close()
	// Children gw may start (none today) must not take the mark along.
	os.Unsetenv(daemonEnv)
}
