package serve

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf"
)

const statsConfig = `
events {}
http {
    access_log off;
    server { listen %[1]s; server_name a.test; location / { return 200 "a"; } location /missing { return 404; } }
    server { listen %[1]s; server_name b.test; location / { return 503; } }
}
`

// TestSnapshotCounts: requests are counted per listener, per server block
// and in total, by status class; connections as stub_status counts them;
// a reload that keeps a block keeps its counts.
func TestSnapshotCounts(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "gw.conf")
	a := freeAddr(t)
	if err := os.WriteFile(file, []byte(fmt.Sprintf(statsConfig, a)), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(conf.LoadOptions{Prefix: dir, File: file}, filepath.Join(dir, "early.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(0)
	get := func(host, uri string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+a+uri, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get("a.test", "/")
	get("a.test", "/")
	get("a.test", "/missing")
	get("b.test", "/")
	// An idle keep-alive connection, as stub_status's Waiting counts it.
	idle, err := net.Dial("tcp", a)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	deadline := time.Now().Add(5 * time.Second)
	var snap Snapshot
	for {
		snap = s.Snapshot()
		if snap.Waiting >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if snap.Requests.Requests != 4 || snap.Requests.Responses != [5]uint64{0, 2, 0, 1, 1} {
		t.Errorf("total %+v", snap.Requests)
	}
	if l := snap.Listeners[0]; l.Requests != 4 || l.Accepted < 2 || l.Active < 1 {
		t.Errorf("listener %+v", l)
	}
	if snap.Accepted < 2 || snap.Connections < 1 || snap.Waiting < 1 || snap.Version == "" || snap.StartedAt.IsZero() {
		t.Errorf("connections: %+v", snap)
	}
	if len(snap.ServerBlocks) != 2 {
		t.Fatalf("blocks %+v", snap.ServerBlocks)
	}
	if b := snap.ServerBlocks[0]; b.Name != "a.test" || b.Requests != 3 || b.Responses[3] != 1 || b.Listen[0] != a {
		t.Errorf("block a %+v", b)
	}
	if b := snap.ServerBlocks[1]; b.Name != "b.test" || b.Requests != 1 || b.Responses[4] != 1 {
		t.Errorf("block b %+v", b)
	}
	s.Reload()
	get("a.test", "/")
	snap = s.Snapshot()
	if b := snap.ServerBlocks[0]; b.Requests != 4 || snap.ReloadedAt.IsZero() || snap.Generation != 2 {
		t.Errorf("after a reload: block a %+v, reloaded at %v, generation %d", b, snap.ReloadedAt, snap.Generation)
	}
}
