package upstream_test

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/conf/upstream"
)

// read builds the upstream block src the way conf's table does: each
// directive of the block to the method that reads it, then Check.
func read(t *testing.T, src string) (*upstream.Config, error) {
	t.Helper()
	block := conftest.Directive(t, src)
	u := upstream.New(block.Pos, block.Args[0].Value)
	var err error
	for _, d := range block.Block {
		switch d.Name {
		case "server":
			err = u.AddServer(d)
		case "hash":
			err = u.SetBalancer(upstream.Hash, d)
		case "keepalive":
			err = u.SetKeepalive(d)
		default:
			t.Fatalf("the test reads no %q", d.Name)
		}
		if err != nil {
			return nil, err
		}
	}
	return u, u.Check(block)
}

func TestBlock(t *testing.T) {
	conftest.Hosts(t, map[string][]string{"backend.lan": {"::1", "10.0.0.7"}})
	u, err := read(t, "upstream app { server backend.lan:8080 weight=2 id=a; server 10.0.0.9 backup; keepalive 4; }")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range u.Servers {
		got = append(got, s.Name+"="+s.Addr)
	}
	want := "backend.lan:8080=10.0.0.7:8080 backend.lan:8080=[::1]:8080 10.0.0.9=10.0.0.9:80"
	if text := strings.Join(got, " "); text != want {
		t.Errorf("servers %s, want %s (one per address, IPv4 first, port 80 by default)", text, want)
	}
	if u.Servers[0].Weight != 2 || !u.Servers[2].Backup || u.Keepalive != 4 {
		t.Errorf("weight %d, backup %v, keepalive %d", u.Servers[0].Weight, u.Servers[2].Backup, u.Keepalive)
	}
	if u.KeepaliveTimeout == 0 || u.KeepaliveRequests == 0 {
		t.Error("New must give nginx's keepalive defaults")
	}
}

// TestCheckIsOrderFree: the checks between directives wait for the whole
// block, so a balancer written after the servers is held against them.
func TestCheckIsOrderFree(t *testing.T) {
	_, err := read(t, "upstream app { server 127.0.0.1 backup; server 127.0.0.2; hash $uri; }")
	want := `balancing method does not support parameter "backup" in t.conf:1:33`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
