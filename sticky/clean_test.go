package sticky

import (
	"fmt"
	"strings"
	"testing"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

func TestCleanIndirect(t *testing.T) {
	big := strings.Repeat("v", 8<<10)
	tests := []struct {
		name    string
		cookie  []string
		wantAct CleanAction
		want    string
	}{
		{"no header", nil, CleanKeep, ""},
		{"no sticky pair keeps bytes", []string{"a=1;b=2 ,c"}, CleanKeep, ""},
		{"name containing ours is kept", []string{"myroute=a; route_x=b"}, CleanKeep, ""},
		{"pair without equals is not ours", []string{"route; a=1"}, CleanKeep, ""},
		{"only the sticky pair", []string{"route=a"}, CleanRemove, ""},
		{"sticky pair with spaces", []string{"  route = a ; "}, CleanRemove, ""},
		{"sticky first", []string{"route=a; b=2"}, CleanReplace, "b=2"},
		{"sticky middle", []string{"a=1; route=a; b=2"}, CleanReplace, "a=1; b=2"},
		{"sticky last", []string{"a=1; route=a"}, CleanReplace, "a=1"},
		{"duplicates all removed", []string{"route=a; x=1; route=b"}, CleanReplace, "x=1"},
		{"invalid value removed too", []string{"route=garbage; x=1"}, CleanReplace, "x=1"},
		{"empty value removed", []string{"route=; x=1"}, CleanReplace, "x=1"},
		{"rebuilt well-formed", []string{";; a = 1 ,route=a,, b=2;"}, CleanReplace, "a=1; b=2"},
		{"lines joined", []string{"a=1", "route=a", "b=2"}, CleanReplace, "a=1; b=2"},
		{"lines with only the sticky pair", []string{"route=a", "route=b"}, CleanRemove, ""},
		{"valueless segment kept", []string{"flag; route=a"}, CleanReplace, "flag"},
		{"quoted value kept", []string{`a="x y"; route=a`}, CleanReplace, `a="x y"`},
		{"non-ASCII kept", []string{"a=ä; route=a"}, CleanReplace, "a=ä"},
		{"8 KiB value kept", []string{"a=" + big + "; route=a"}, CleanReplace, "a=" + big},
		{"tilde and pipe untouched in indirect", []string{"a=s~x|y; route=a|1|2"}, CleanReplace, "a=s~x|y"},
	}
	p := mustPolicy(t, cfgWith(func(c *Config) { c.Indirect = true }))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prev:")
			out, act := p.Clean(dst, lines(tt.cookie...))
			if act != tt.wantAct {
				t.Fatalf("Clean(%q) action = %d, want %d", tt.cookie, act, tt.wantAct)
			}
			if !strings.HasPrefix(string(out), "prev:") {
				t.Fatalf("Clean overwrote dst: %q", out)
			}
			if got := string(out[len("prev:"):]); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.cookie, got, tt.want)
			}
		})
	}
}

func TestCleanPrefix(t *testing.T) {
	tests := []struct {
		name    string
		cookie  []string
		wantAct CleanAction
		want    string
	}{
		{"strips sid", []string{"JSESSIONID=a~ABC"}, CleanReplace, "JSESSIONID=ABC"},
		{"among others", []string{"x=1; JSESSIONID=b~ABC; y=2"}, CleanReplace, "x=1; JSESSIONID=ABC; y=2"},
		{"only the first tilde", []string{"JSESSIONID=a~B~C"}, CleanReplace, "JSESSIONID=B~C"},
		{"nothing after tilde", []string{"JSESSIONID=a~"}, CleanReplace, "JSESSIONID="},
		{"quoted keeps quotes", []string{`JSESSIONID="a~ABC"`}, CleanReplace, `JSESSIONID="ABC"`},
		{"unknown sid stripped too", []string{"JSESSIONID=zz~ABC"}, CleanReplace, "JSESSIONID=ABC"},
		{"no tilde: header kept", []string{"JSESSIONID=ABC; x=1"}, CleanKeep, ""},
		{"other cookie's tilde is not ours", []string{"x=a~b; JSESSIONID=ABC"}, CleanKeep, ""},
		{"duplicates each stripped", []string{"JSESSIONID=a~1", "JSESSIONID=b~2"}, CleanReplace, "JSESSIONID=1; JSESSIONID=2"},
	}
	for _, opt := range []bool{false, true} {
		p := mustPolicy(t, cfgWith(func(c *Config) { c.Mode, c.Indirect, c.Cookie = ModePrefix, opt, "JSESSIONID" }))
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/indirect=%v", tt.name, opt), func(t *testing.T) {
				out, act := p.Clean(nil, lines(tt.cookie...))
				if act != tt.wantAct || string(out) != tt.want {
					t.Errorf("indirect %v: Clean(%q) = %q, %d; want %q, %d", opt, tt.cookie, out, act, tt.want, tt.wantAct)
				}
			})
		}
	}
}

func TestCleanNotNeeded(t *testing.T) {
	// insert+direct and rewrite never clean: Tengine declines cleaning in
	// rewrite mode and direct means the backend sees the cookie.
	for _, cfg := range []Config{
		stickyconf.DefaultConfig(),
		cfgWith(func(c *Config) { c.Mode = ModeRewrite }),
	} {
		p := mustPolicy(t, cfg)
		if p.CleansRequest() {
			t.Errorf("mode %v indirect %v: CleansRequest() = true", cfg.Mode, cfg.Indirect)
		}
		out, act := p.Clean(nil, lines("route=a; b=1"))
		if act != CleanKeep || len(out) != 0 {
			t.Errorf("mode %v: Clean = %q, %d; want keep", cfg.Mode, out, act)
		}
	}
}
