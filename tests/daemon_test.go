package tests

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const daemonConfig = `
daemon on;
pid logs/gw.pid;
error_log logs/error.log info;
events {}
http {
    server {
        listen %s;
        location / { proxy_pass http://%s; }
    }
}
`

// runDaemonParent runs the gw that an init script or systemd's
// Type=forking would run, and waits for it to exit. Its stderr is a file,
// not a pipe: the background copy inherits it and, a pipe, would keep
// exec's copying goroutine (and so Wait) waiting for the daemon to end.
func runDaemonParent(t *testing.T, prefix string) (pid, code int, stderr string) {
	t.Helper()
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	cmd := exec.Command(gwBin, "-p", prefix)
	cmd.Stderr = errFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-watch(cmd):
	case <-time.After(startTimeout):
		_ = cmd.Process.Kill()
		t.Fatalf("the foreground gw did not exit within %v", startTimeout)
	}
	out, _ := os.ReadFile(errFile.Name())
	return cmd.Process.Pid, cmd.ProcessState.ExitCode(), string(out)
}

// running tells whether pid is a live process: a zombie that nobody has
// reaped yet (the daemon's parent is init, or whoever adopts orphans here)
// has exited.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// sessionOf reads a process's session id (the sixth field of /proc/PID/stat).
func sessionOf(t *testing.T, pid int) int {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	sid, _ := strconv.Atoi(fields[3])
	return sid
}

// TestDaemonOn: under `daemon on` the gw that was started exits 0 once a
// detached copy serves; the pid file names that copy, which answers, takes
// signals through `gw -s`, and removes the pid file when stopped. This is
// what a Type=forking unit or an init script needs.
func TestDaemonOn(t *testing.T) {
	backend := startDemo(t, "app1")
	a := addr(freePort(t))
	prefix := writePrefix(t, fmt.Sprintf(daemonConfig, a, backend))
	pidFile := filepath.Join(prefix, "logs", "gw.pid")

	parent, code, stderr := runDaemonParent(t, prefix)
	if code != 0 {
		t.Fatalf("daemon on: the foreground gw exited %d:\n%s", code, stderr)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("no pid file once the foreground gw has exited: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file %q: %v", b, err)
	}
	t.Cleanup(func() {
		if running(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	if pid == parent || !running(pid) {
		t.Fatalf("pid file names %d (the foreground gw was %d, running: %v)", pid, parent, running(pid))
	}
	if sid := sessionOf(t, pid); sid != pid {
		t.Errorf("the daemon is in session %d, want its own (%d): it must not share the terminal's", sid, pid)
	}
	// Served as soon as the foreground process has exited: no polling.
	if r := get(t, a, "", "/"); r.status != 200 || backendOf(r) != "app1" {
		t.Fatalf("GET / from the daemon: %d %q", r.status, backendOf(r))
	}

	if out, code := runGW(t, "-p", prefix, "-s", "stop"); code != 0 {
		t.Fatalf("gw -s stop: exit %d: %s", code, out)
	}
	waitFor(t, "the daemon to exit", func() bool { return !running(pid) })
	if _, err := os.Stat(pidFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pid file left behind by the stopped daemon: %v", err)
	}
}

// TestDaemonOnStartupErrorReachesTerminal: a start-up failure of the
// background copy (here its port is taken) is printed on the terminal's
// stderr and is the foreground gw's exit code, as nginx reports a bind
// error before it daemonises; nothing is left running.
func TestDaemonOnStartupErrorReachesTerminal(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	prefix := writePrefix(t, fmt.Sprintf(daemonConfig, taken.Addr(), closedPort(t)))

	_, code, stderr := runDaemonParent(t, prefix)
	if code != 1 || !strings.Contains(stderr, "Address already in use") {
		t.Fatalf("daemon on with a taken port: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(prefix, "logs", "gw.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a pid file exists although nothing serves: %v", err)
	}
}
