package realip

import (
	"net/netip"
	"strings"
	"testing"
)

func settings(recursive bool, from ...string) *Settings {
	s := &Settings{Recursive: recursive}
	for _, f := range from {
		p, _, ok := parseCIDR(f)
		if !ok {
			panic(f)
		}
		s.From = append(s.From, p)
	}
	return s
}

// TestFind follows nginx-tests realip.t (set_real_ip_from 127.0.0.1/32
// and 10.0.1.0/24) and adds ports, IPv6 and unparsable entries.
func TestFind(t *testing.T) {
	trusted := []string{"127.0.0.1/32", "10.0.1.0/24"}
	tests := []struct {
		name      string
		peer      string
		recursive bool
		lines     string // header lines separated by "|"
		want      string // "" for no change
	}{
		{"x-real-ip", "127.0.0.1", false, "192.0.2.1", "192.0.2.1:0"},
		{"untrusted peer", "192.0.2.9", false, "192.0.2.1", ""},
		{"mapped peer", "::ffff:127.0.0.1", false, "192.0.2.1", "192.0.2.1:0"},
		{"multi", "127.0.0.1", false, "10.0.0.1, 192.0.2.1", "192.0.2.1:0"},
		{"recursive off", "127.0.0.1", false, "192.0.2.1, 10.0.1.1, 127.0.0.1", "127.0.0.1:0"},
		{"recursive on", "127.0.0.1", true, "10.0.1.1, 192.0.2.1, 127.0.0.1", "192.0.2.1:0"},
		{"recursive all trusted", "127.0.0.1", true, "10.0.1.2, 10.0.1.1", "10.0.1.2:0"},
		{"multi lines recursive off", "127.0.0.1", false, "192.0.2.1|127.0.0.1, 10.0.1.1", "10.0.1.1:0"},
		{"multi lines recursive on", "127.0.0.1", true, "10.0.1.1|192.0.2.1|127.0.0.1", "192.0.2.1:0"},
		{"port", "127.0.0.1", false, "127.0.0.1:123", "127.0.0.1:123"},
		{"ipv6 with port", "127.0.0.1", false, "[2001:db8::1]:80", "[2001:db8::1]:80"},
		{"ipv6", "127.0.0.1", false, "2001:db8::1", "[2001:db8::1]:0"},
		{"garbage", "127.0.0.1", false, "unknown", ""},
		{"garbage after good", "127.0.0.1", true, "garbage, 10.0.1.1", "10.0.1.1:0"},
		{"port 0", "127.0.0.1", false, "1.2.3.4:0", ""},
		{"trailing comma and spaces", "127.0.0.1", false, "192.0.2.1 , ", "192.0.2.1:0"},
		{"empty", "127.0.0.1", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines [][]byte
			for _, l := range strings.Split(tt.lines, "|") {
				lines = append(lines, []byte(l))
			}
			got, ok := settings(tt.recursive, trusted...).Find(netip.MustParseAddr(tt.peer), lines)
			if tt.want == "" {
				if ok {
					t.Fatalf("got %v, want no change", got)
				}
				return
			}
			if !ok || got != netip.MustParseAddrPort(tt.want) {
				t.Fatalf("got %v %v, want %s", got, ok, tt.want)
			}
		})
	}
}

func TestParseCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1/32", "10.0.1.7/24": "10.0.1.0/24", "::1": "::1/128",
		"2001:db8::/32": "2001:db8::/32", "1.2.3.4/33": "", "1.2.3.4/": "", "x": "", "1.2.3.4/-1": "",
	} {
		p, _, ok := parseCIDR(in)
		if (want == "") == ok || (ok && p.String() != want) {
			t.Errorf("%s: %v %v, want %q", in, p, ok, want)
		}
	}
}
