package serve

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf"
)

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

const serverConfig = `
error_log logs/error.log info;
events {}
http {
    upstream app { server 127.0.0.1:9 weight=3; server 127.0.0.1:10 down; }
    server {
        listen %s;
        location = /hi { return 200 "%s"; }
        location / { proxy_pass http://app; }
    }
}
`

// TestServerLifecycle drives a Server the way cmd/gw does: start, serve,
// reload, snapshot, stop.
func TestServerLifecycle(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "gw.conf")
	a := freeAddr(t)
	write := func(answer string) {
		if err := os.WriteFile(file, []byte(fmt.Sprintf(serverConfig, a, answer)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one")
	s, err := New(conf.LoadOptions{Prefix: dir, File: file}, filepath.Join(dir, "early.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(0)
	get := func() string {
		t.Helper()
		resp, err := http.Get("http://" + a + "/hi")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := get(); got != "one" {
		t.Fatalf("before reload: %q", got)
	}
	snap := s.Snapshot()
	if snap.Generation != 1 || len(snap.Listeners) != 1 || snap.Listeners[0].Addr != a || len(snap.Upstreams) != 1 {
		t.Fatalf("snapshot %+v", snap)
	}
	peers := snap.Upstreams[0].Peers
	if snap.Upstreams[0].Name != "app" || len(peers) != 2 || peers[0].Weight != 3 || !peers[0].Available ||
		!peers[1].Down || peers[1].Available {
		t.Fatalf("upstream snapshot %+v", snap.Upstreams[0])
	}

	write("two")
	s.Reload()
	if got := get(); got != "two" {
		t.Fatalf("after reload: %q", got)
	}
	if snap := s.Snapshot(); snap.Generation != 2 || snap.Reloads != 1 {
		t.Fatalf("snapshot after reload %+v", snap)
	}
	if err := os.WriteFile(file, []byte("events {} http { server { listen "+a+"; locaton / {} } }"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	if snap := s.Snapshot(); snap.Generation != 2 || snap.FailedReloads != 1 {
		t.Fatalf("a failed reload: %+v", snap)
	}
	if got := get(); got != "two" {
		t.Fatalf("after a failed reload: %q", got)
	}

	s.Stop(time.Second)
	if c, err := net.DialTimeout("tcp", a, 200*time.Millisecond); err == nil {
		c.Close()
		t.Fatal("still listening after Stop")
	}
}

// TestRetiredRuntimeClosesItsLogs: a reload that stops naming an access
// log (or an error log) closes the file once the old runtime's grace has
// passed; a refused reload leaves nothing open.
func TestRetiredRuntimeClosesItsLogs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "gw.conf")
	a := freeAddr(t)
	write := func(name string) {
		text := fmt.Sprintf("error_log logs/%[1]s.err info; worker_shutdown_timeout 10ms; events {}\n"+
			"http { access_log logs/%[1]s.log; server { listen %[2]s; location / { return 200; } } }", name, a)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open := func(s *Server) []string {
		s.logs.mu.Lock()
		defer s.logs.mu.Unlock()
		var paths []string
		for p := range s.logs.files {
			paths = append(paths, filepath.Base(p))
		}
		return paths
	}
	write("first")
	s, err := New(conf.LoadOptions{Prefix: dir, File: file}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(0)
	firstErr := s.logFile
	write("second")
	s.Reload()
	deadline := time.Now().Add(2 * time.Second)
	for len(open(s)) != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := open(s); len(got) != 1 || got[0] != "second.log" {
		t.Fatalf("access logs open after the reload: %v, want second.log only", got)
	}
	firstErr.mu.Lock()
	_, werr := firstErr.f.Write([]byte("x"))
	firstErr.mu.Unlock()
	if werr == nil {
		t.Fatal("the first error log is still open")
	}
	// A refused reload (the listen address is taken) opens nothing that
	// stays open.
	busy := freeAddr(t)
	ln, err := net.Listen("tcp", busy)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	text := fmt.Sprintf("events {} http { access_log logs/third.log; server { listen %s; } server { listen %s; } }", a, busy)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	if snap := s.Snapshot(); snap.FailedReloads != 1 {
		t.Fatalf("the reload onto a taken address was not refused: %+v", snap)
	}
	if got := open(s); len(got) != 1 || got[0] != "second.log" {
		t.Fatalf("access logs open after a refused reload: %v", got)
	}
}
