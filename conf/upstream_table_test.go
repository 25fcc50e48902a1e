package conf

import (
	"slices"
	"testing"
)

// TestServerLocalhost builds a server named by a host name with the real
// resolver: localhost is in every /etc/hosts, so no network is needed. It
// gives one upstream.Server per address, all named as written.
func TestServerLocalhost(t *testing.T) {
	cfg := buildText(t, "events {}\nhttp {\n    upstream app { server localhost:9000 weight=3; }\n}\n")
	var addrs []string
	for _, s := range cfg.HTTP.Upstream("APP").Servers {
		if s.Name != "localhost:9000" || s.Weight != 3 || s.Pos.Line != 3 {
			t.Errorf("server %+v: want name localhost:9000, weight 3, line 3", s)
		}
		addrs = append(addrs, s.Addr)
	}
	if !slices.Contains(addrs, "127.0.0.1:9000") {
		t.Errorf("localhost:9000 resolved to %q, want 127.0.0.1:9000 among them", addrs)
	}
}
