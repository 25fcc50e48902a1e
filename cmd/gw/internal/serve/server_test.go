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
	if snap.Generation != 1 || len(snap.Listeners) != 1 || snap.Listeners[0] != a || len(snap.Upstreams) != 1 {
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
