package sticky

import (
	"errors"
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

func TestCompileRejectsUnusableSID(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		sid  string
	}{
		{"empty sid", stickyconf.DefaultConfig(), ""},
		{"sid with space", stickyconf.DefaultConfig(), "a b"},
		{"sid with semicolon", stickyconf.DefaultConfig(), "a;b"},
		{"sid with comma", stickyconf.DefaultConfig(), "a,b"},
		{"sid with quote", stickyconf.DefaultConfig(), `a"b`},
		{"sid non-ASCII", stickyconf.DefaultConfig(), "sérveur"},
		{"pipe in timed insert", timedCfg(time.Minute, 0), "a|b"},
		{"tilde in prefix", cfgWith(func(c *Config) { c.Mode = ModePrefix }), "a~b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.cfg, []string{"ok", tt.sid})
			var se *SIDError
			if !errors.As(err, &se) {
				t.Fatalf("Compile = %v, want *SIDError", err)
			}
			if se.Peer != 1 || se.SID != tt.sid {
				t.Errorf("SIDError = {%d, %q}, want {1, %q}", se.Peer, se.SID, tt.sid)
			}
		})
	}
}

func TestCompileAcceptsSeparatorsWhereHarmless(t *testing.T) {
	// "|" only matters in timed insert mode, "~" only in prefix mode, and an
	// IPv6 address text is a legal cookie value.
	for _, c := range []struct {
		name string
		cfg  Config
		sid  string
	}{
		{"pipe in untimed insert", stickyconf.DefaultConfig(), "a|b"},
		{"tilde in insert", timedCfg(time.Minute, 0), "a~b"},
		{"ipv6 address with plain hash", stickyconf.DefaultConfig(), "[::1]:8080"},
	} {
		if _, err := Compile(c.cfg, []string{c.sid}); err != nil {
			t.Errorf("%s: Compile = %v", c.name, err)
		}
	}
}
