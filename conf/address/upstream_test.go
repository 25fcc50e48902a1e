package address_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/internal/conftest"
)

func TestSplitUpstream(t *testing.T) {
	tests := []struct {
		in, host string
		ip       string // "" when host is a name
		port     uint16
		err      string
	}{
		{in: "127.0.0.1:9000", host: "127.0.0.1", ip: "127.0.0.1", port: 9000},
		{in: "127.0.0.1", host: "127.0.0.1", ip: "127.0.0.1", port: 80},
		{in: "backend", host: "backend", port: 80},
		{in: "backend:8080", host: "backend", port: 8080},
		{in: "[::1]:9000", host: "::1", ip: "::1", port: 9000},
		{in: "[::1]", host: "::1", ip: "::1", port: 80},
		{in: "unix:/tmp/app.sock", err: "unix domain sockets are not supported"},
		{in: "UNIX:/tmp/app.sock", err: "unix domain sockets are not supported"},
		{in: "127.0.0.1:0", err: "invalid port"},
		{in: "127.0.0.1:65536", err: "invalid port"},
		{in: "127.0.0.1:+80", err: "invalid port"},
		{in: "127.0.0.1:", err: "invalid port"},
		{in: "a:b:c", err: "invalid port"},
		{in: ":80", err: "no host"},
		{in: "::1", err: "no host"},
		{in: "127.0.0.1:80/app", err: "invalid host"},
		{in: "http://127.0.0.1", err: "invalid host"},
		{in: "backend?x", err: "invalid host"},
		{in: "[::1", err: "invalid host"},
		{in: "[::1]x", err: "invalid host"},
		{in: "[]:80", err: "no host"},
		{in: "[1.2.3.4]:80", err: "invalid IPv6 address"},
		{in: "[fe80::1%eth0]:80", err: "invalid IPv6 address"},
		{in: "[::1]:http", err: "invalid port"},
	}
	for _, tt := range tests {
		host, ip, port, err := address.SplitUpstream(tt.in)
		if err != tt.err {
			t.Errorf("%q: error %q, want %q", tt.in, err, tt.err)
			continue
		}
		if err != "" {
			continue
		}
		gotIP := ""
		if ip.IsValid() {
			gotIP = ip.String()
		}
		if host != tt.host || gotIP != tt.ip || port != tt.port {
			t.Errorf("%q: %q %q %d, want %q %q %d", tt.in, host, gotIP, port, tt.host, tt.ip, tt.port)
		}
	}
}

func TestResolve(t *testing.T) {
	conftest.Hosts(t, map[string][]string{
		"multi": {"::1", "10.0.0.2", "10.0.0.1", "::ffff:10.0.0.2", "fe80::1%eth0"},
	})
	got, ok := address.Resolve("multi", netip.Addr{}, 8080)
	want := []string{"10.0.0.2:8080", "10.0.0.1:8080", "[::1]:8080", "[fe80::1]:8080"}
	if !ok || !slices.Equal(got, want) {
		t.Errorf("multi: %q %v, want %q (IPv4 first, no repeats, no zone)", got, ok, want)
	}
	if got, ok := address.Resolve("missing", netip.Addr{}, 80); ok {
		t.Errorf("missing: %q, want not found", got)
	}
	got, ok = address.Resolve("ignored", netip.MustParseAddr("::1"), 80)
	if !ok || !slices.Equal(got, []string{"[::1]:80"}) {
		t.Errorf("literal: %q %v", got, ok)
	}
}
