package sticky

import (
	"testing"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

func TestSID(t *testing.T) {
	md5 := stickyconf.DefaultConfig()
	plain := cfgWith(func(c *Config) { c.Hash = HashPlain })
	hmacCfg := cfgWith(func(c *Config) { c.Hash, c.Secret = HashHMAC, "s3cret" })
	tests := []struct {
		name     string
		cfg      *Config
		addr, id string
		want     string
	}{
		// Tengine's value for `server 127.0.0.1:9000`: md5("127.0.0.1:9000").
		{"md5 of ip:port", &md5, "127.0.0.1:9000", "", "44fb3a27ed30ae5193ebd879ca2cf039"},
		{"md5 of another port differs", &md5, "127.0.0.1:9001", "", "422db4e6da7b4bba46bd476612df0469"},
		{"md5 of ipv6 with brackets", &md5, "[::1]:8080", "", "1c2e56fe441d2a91a692b6e4ac8b5c9b"},
		{"md5 ignores id", &md5, "127.0.0.1:9000", "app1", "44fb3a27ed30ae5193ebd879ca2cf039"},
		{"plain uses id", &plain, "127.0.0.1:9000", "app1", "app1"},
		{"plain without id uses address", &plain, "127.0.0.1:9000", "", "127.0.0.1:9000"},
		// Reference value computed with Python's hmac module.
		{"hmac is truncated HMAC-SHA256", &hmacCfg, "127.0.0.1:9000", "", "e247db2700da84dc014ed3d8e7c3c027"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SID(tt.cfg, tt.addr, tt.id); got != tt.want {
				t.Errorf("SID(%q, %q) = %q, want %q", tt.addr, tt.id, got, tt.want)
			}
		})
	}
}

func TestSIDHMACDependsOnSecret(t *testing.T) {
	a := cfgWith(func(c *Config) { c.Hash, c.Secret = HashHMAC, "one" })
	b := cfgWith(func(c *Config) { c.Hash, c.Secret = HashHMAC, "two" })
	if SID(&a, "10.0.0.1:80", "") == SID(&b, "10.0.0.1:80", "") {
		t.Error("hmac sids with different secrets are equal")
	}
}

func TestSIDTable(t *testing.T) {
	tab := NewSIDTable([]string{"x", "y", "x", "Y"})
	tests := []struct {
		name   string
		sid    string
		peer   int
		wantOK bool
	}{
		{"first peer", "x", 0, true},
		{"second peer", "y", 1, true},
		{"case-sensitive", "Y", 3, true},
		{"unknown", "z", 0, false},
		{"empty", "", 0, false},
		{"prefix of a sid is not the sid", "xx", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer, ok := tab.Lookup([]byte(tt.sid))
			if ok != tt.wantOK || (ok && peer != tt.peer) {
				t.Errorf("Lookup(%q) = %d, %v; want %d, %v", tt.sid, peer, ok, tt.peer, tt.wantOK)
			}
		})
	}
	if tab.Len() != 4 || tab.SID(2) != "x" {
		t.Errorf("Len() = %d, SID(2) = %q", tab.Len(), tab.SID(2))
	}
}

func TestSIDTableCopiesInput(t *testing.T) {
	in := []string{"a", "b"}
	tab := NewSIDTable(in)
	in[0] = "changed"
	if tab.SID(0) != "a" {
		t.Error("table shares the caller's slice")
	}
}
