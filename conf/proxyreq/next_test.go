package proxyreq

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

func TestParseNextUpstream(t *testing.T) {
	parse := func(src string) (NextUpstream, error) {
		t.Helper()
		tree, err := parser.Parse("t.conf", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return ParseNextUpstream(tree[0])
	}
	n, err := parse("proxy_next_upstream error timeout http_502 non_idempotent;")
	if err != nil || n != NextError|NextTimeout|NextHTTP502|NextNonIdempotent || n.String() != "error timeout http_502 non_idempotent" {
		t.Errorf("got %v (%d), %v", n, n, err)
	}
	if !n.Has(NextError|NextHTTP502) || n.Has(NextHTTP503) {
		t.Error("Has")
	}
	if n, err := parse("proxy_next_upstream off;"); err != nil || n != 0 || n.String() != "off" {
		t.Errorf("off: %v %v", n, err)
	}
	for _, bad := range []string{"proxy_next_upstream error off;", "proxy_next_upstream http_418;"} {
		if _, err := parse(bad); err == nil || !strings.Contains(err.Error(), "t.conf:1:") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
