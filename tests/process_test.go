package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a process may take to start listening.
const startTimeout = 10 * time.Second

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startDemo starts a gw-demo backend on a port the kernel picks and returns
// its address; the process is stopped when the test ends.
func startDemo(t *testing.T, name string) string {
	t.Helper()
	return startDemoArgs(t, name)
}

// startDemoArgs is startDemo with extra gw-demo flags (e.g. -cert, -key).
func startDemoArgs(t *testing.T, name string, args ...string) string {
	t.Helper()
	_, a := startDemoCmd(t, name, args...)
	return a
}

// demoProc is a started gw-demo, reaped in the background by watch.
type demoProc struct {
	cmd    *exec.Cmd
	exited <-chan struct{}
}

// kill kills the backend and waits until it is reaped.
func (d *demoProc) kill() {
	_ = d.cmd.Process.Kill()
	<-d.exited
}

// startDemoCmd starts gw-demo and returns its process too, for tests that
// kill a backend on purpose.
func startDemoCmd(t *testing.T, name string, args ...string) (*demoProc, string) {
	t.Helper()
	cmd := exec.Command(demoBin, append([]string{"-listen", "127.0.0.1:0", "-name", name}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := watch(cmd)
	t.Cleanup(func() { stopProcess(cmd, exited) })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case line := <-lines:
		i := strings.LastIndex(line, " on ")
		if i < 0 {
			t.Fatalf("gw-demo said %q", line)
		}
		return &demoProc{cmd: cmd, exited: exited}, line[i+4:]
	case <-time.After(startTimeout):
		t.Fatalf("gw-demo %s did not start within %v", name, startTimeout)
	}
	return nil, ""
}

// gwProcess is a running gw.
type gwProcess struct {
	cmd    *exec.Cmd
	prefix string
	stderr *syncBuffer
	exited <-chan struct{}
}

// freePort returns a loopback port that was free a moment ago. gw needs
// concrete ports in its configuration; the tiny race with other processes is
// retried by startGW.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// writePrefix makes a prefix directory holding conf/gw.conf with the given
// text, for gw -p.
func writePrefix(t *testing.T, config string) string {
	t.Helper()
	prefix := t.TempDir()
	if err := os.MkdirAll(filepath.Join(prefix, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefix, "conf", "gw.conf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return prefix
}

// startGW starts gw with the given configuration and waits until every
// address in waitAddrs accepts connections.
func startGW(t *testing.T, config string, waitAddrs ...string) *gwProcess {
	t.Helper()
	return startGWWith(t, "", config, waitAddrs...)
}

// startGWWith is startGW with shell commands run before gw replaces the
// shell, such as "ulimit -n 64" ("" runs gw directly).
func startGWWith(t *testing.T, shell, config string, waitAddrs ...string) *gwProcess {
	t.Helper()
	return startGWIn(t, shell, writePrefix(t, config), waitAddrs...)
}

// startGWPrefix starts gw on a prefix that already holds its
// configuration, e.g. to restart it where a previous gw ran.
func startGWPrefix(t *testing.T, prefix string, waitAddrs ...string) *gwProcess {
	t.Helper()
	return startGWIn(t, "", prefix, waitAddrs...)
}

func startGWIn(t *testing.T, shell, prefix string, waitAddrs ...string) *gwProcess {
	t.Helper()
	p := &gwProcess{prefix: prefix, stderr: &syncBuffer{}}
	if shell == "" {
		p.cmd = exec.Command(gwBin, "-p", prefix)
	} else {
		p.cmd = exec.Command("bash", "-c", shell+` && exec "$0" -p "$1"`, gwBin, prefix)
	}
	p.cmd.Stderr = p.stderr
	p.cmd.Stdout = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.exited = watch(p.cmd)
	t.Cleanup(func() {
		stopProcess(p.cmd, p.exited)
		// A gw built with -race (GW_TEST_BIN) reports races on stderr
		// and goes on serving: the test that drove it fails.
		if out := p.stderr.String(); strings.Contains(out, "WARNING: DATA RACE") {
			t.Errorf("gw reported a data race:\n%s", out)
		}
	})
	for _, addr := range waitAddrs {
		p.waitListening(t, addr)
	}
	return p
}

// waitListening polls addr until it accepts a connection or gw exits.
func (p *gwProcess) waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("gw exited before listening on %s:\n%s", addr, p.stderr)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("gw did not listen on %s within %v:\n%s", addr, startTimeout, p.stderr)
}

// watch reaps a started process in the background; the channel closes when
// it has exited.
func watch(cmd *exec.Cmd) <-chan struct{} {
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	return exited
}

// stopProcess asks a process to stop fast, kills it if it lingers, and
// waits until it is reaped.
func stopProcess(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return
	case <-time.After(2 * time.Second):
	}
	_ = cmd.Process.Kill()
	<-exited
}

// runGW runs gw to completion with the given arguments (e.g. -t) and returns
// its combined output and exit code.
func runGW(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(gwBin, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("running gw %v: %v", args, err)
	}
	return string(out), 0
}

// addr renders a loopback address with a port.
func addr(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }
