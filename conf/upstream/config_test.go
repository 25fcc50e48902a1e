package upstream_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/conf/upstream"
)

// read builds the upstream block src the way conf's table does: each
// directive of the block to the method that reads it, then Validate.
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
			err = u.SetBalancer(upstream.Hash, d, nil)
		case "keepalive":
			err = u.SetKeepalive(d)
		case "check", "check_http_send", "check_http_expect_alive":
			err = u.ReadCheck(d)
		default:
			t.Fatalf("the test reads no %q", d.Name)
		}
		if err != nil {
			return nil, err
		}
	}
	return u, u.Validate(block)
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

// TestValidateIsOrderFree: the checks between directives wait for the whole
// block, so a balancer written after the servers is held against them.
func TestValidateIsOrderFree(t *testing.T) {
	_, err := read(t, "upstream app { server 127.0.0.1 backup; server 127.0.0.2; hash $uri; }")
	want := `balancing method does not support parameter "backup" in t.conf:1:33`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestCheck: the check directives reach Check through Validate, in any
// order; a block without check has none.
func TestCheck(t *testing.T) {
	u, err := read(t, `upstream app { check_http_expect_alive http_2xx; server 127.0.0.1; check type=http rise=1; }`)
	if err != nil {
		t.Fatal(err)
	}
	if c := u.Check; c == nil || c.Type != check.HTTP || c.Rise != 1 || c.Expect != check.Status2xx {
		t.Errorf("Check %+v", c)
	}
	u, err = read(t, "upstream app { server 127.0.0.1; check_http_expect_alive http_2xx; }")
	if err != nil || u.Check != nil {
		t.Errorf("without check: Check %+v, error %v", u.Check, err)
	}
	_, err = read(t, `upstream app { server 127.0.0.1; check_http_send "GET / HTTP/1.0\r\n\r\n"; }`)
	if want := "invalid check_http_send should set [check] first in t.conf:1:34"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestSlowStart(t *testing.T) {
	u, err := read(t, "upstream app { server 127.0.0.1 slow_start=30s; server 127.0.0.2 backup slow_start=1m; server 127.0.0.3; }")
	if err != nil {
		t.Fatal(err)
	}
	if s := u.Servers; s[0].SlowStart != 30*time.Second || s[1].SlowStart != time.Minute || s[2].SlowStart != 0 {
		t.Errorf("SlowStart %v %v %v", s[0].SlowStart, s[1].SlowStart, s[2].SlowStart)
	}
	for src, want := range map[string]string{
		"upstream app { server 127.0.0.1 slow_start=500ms; }":          `invalid parameter "slow_start=500ms" in t.conf:1:33`,
		"upstream app { server 127.0.0.1 slow_start=x; }":              `invalid parameter "slow_start=x" in t.conf:1:33`,
		"upstream app { server 127.0.0.1 slow_start=10s; hash $uri; }": `balancing method does not support parameter "slow_start=10s" in t.conf:1:33`,
	} {
		if _, err := read(t, src); err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %s", src, err, want)
		}
	}
}
