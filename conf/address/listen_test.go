package address_test

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

func TestListen(t *testing.T) {
	conftest.Hosts(t, map[string][]string{"localhost": {"::1", "127.0.0.1"}, "v6only": {"::2"}})
	tests := []struct {
		name, in string
		want     string // addresses joined by " ", or the error
	}{
		{"port alone is every IPv4 address", "8080", "0.0.0.0:8080"},
		{"address alone gets port 80", "127.0.0.1", "127.0.0.1:80"},
		{"star is every address", "*:80", "0.0.0.0:80"},
		{"IPv6 with port", "[::1]:8080", "[::1]:8080"},
		{"IPv6 without port", "[::]", "[::]:80"},
		{"host name resolves to its IPv4 addresses", "localhost:8080", "127.0.0.1:8080"},
		{"IPv6-only host name", "v6only:81", "[::2]:81"},
		{"leading zeros name the same port", ":0080", "0.0.0.0:80"},
		{"an IPv4-mapped address is the IPv4 address", "[::ffff:127.0.0.1]:80", "127.0.0.1:80"},
		{"port 0 is invalid", "0", "invalid port"},
		{"port over 65535 is invalid", "1.2.3.4:65536", "invalid port"},
		{"empty port is invalid", "1.2.3.4:", "invalid port"},
		{"unclosed IPv6", "[::1:80", "invalid host"},
		{"unknown host", "nosuchhost.invalid", "host not found"},
		{"unix sockets", "unix:/tmp/s", "unix domain sockets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addrs, err := address.Listen(parser.Arg{Value: tt.in})
			var texts []string
			for _, a := range addrs {
				texts = append(texts, a.String())
			}
			got := strings.Join(texts, " ")
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("Listen(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
