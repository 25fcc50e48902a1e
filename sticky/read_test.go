package sticky

import (
	"strings"
	"testing"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

func TestReadInsert(t *testing.T) {
	big := strings.Repeat("x", 8<<10)
	tests := []struct {
		name      string
		cookie    []string
		wantState State
		wantPeer  int
		unknown   bool
	}{
		{"no header", nil, ClientNone, -1, false},
		{"empty header", []string{""}, ClientNone, -1, false},
		{"only separators", []string{" ;;, ; "}, ClientNone, -1, false},
		{"other cookies only", []string{"a=1; b=2"}, ClientNone, -1, false},
		{"exact name", []string{"route=b"}, ClientValid, 1, false},
		{"spaces around pair are trimmed", []string{"  route = b  "}, ClientValid, 1, false},
		{"tab around value", []string{"route=\tc\t"}, ClientValid, 2, false},
		{"among others", []string{"a=1; route=c; z=9"}, ClientValid, 2, false},
		{"comma separator", []string{"a=1,route=b"}, ClientValid, 1, false},
		{"separator at the start", []string{";route=a"}, ClientValid, 0, false},
		{"comma at the start", []string{", route=a"}, ClientValid, 0, false},
		{"trailing separator", []string{"route=a;"}, ClientValid, 0, false},
		{"name containing ours is not ours", []string{"myroute=a"}, ClientNone, -1, false},
		{"ours as name prefix is not ours", []string{"route_x=a"}, ClientNone, -1, false},
		{"longer name before ours", []string{"route_x=a; route=b"}, ClientValid, 1, false},
		{"name is case-sensitive", []string{"Route=a"}, ClientNone, -1, false},
		{"name in a value is not a name", []string{"x=route=a"}, ClientNone, -1, false},
		{"value may contain equals", []string{"route=a=b"}, ClientInvalid, -1, true},
		{"pair without equals", []string{"route"}, ClientNone, -1, false},
		{"pair without equals then real", []string{"route; route=b"}, ClientValid, 1, false},
		{"empty value", []string{"route="}, ClientInvalid, -1, false},
		{"unknown sid", []string{"route=zz"}, ClientInvalid, -1, true},
		{"sid is case-sensitive", []string{"route=A"}, ClientInvalid, -1, true},
		{"quoted value", []string{`route="b"`}, ClientValid, 1, false},
		{"lone quote", []string{`route="`}, ClientInvalid, -1, true},
		{"half-quoted value", []string{`route="b`}, ClientInvalid, -1, true},
		{"second line", []string{"a=1", "route=c"}, ClientValid, 2, false},
		{"lines do not merge pairs", []string{"a=1; rou", "te=b"}, ClientNone, -1, false},
		{"8 KiB value", []string{"route=" + big}, ClientInvalid, -1, true},
		{"8 KiB other cookie before ours", []string{"big=" + big + "; route=a"}, ClientValid, 0, false},
		{"non-ASCII value", []string{"route=ä"}, ClientInvalid, -1, true},
		{"non-ASCII name", []string{"routé=a; route=b"}, ClientValid, 1, false},
		{"pipe in untimed value is part of the sid", []string{"route=a|1|2"}, ClientInvalid, -1, true},
		{"tilde in insert value is part of the sid", []string{"route=a~x"}, ClientInvalid, -1, true},
		{"duplicate: first usable wins", []string{"route=b; route=c"}, ClientValid, 1, false},
		{"duplicate: invalid then valid", []string{"route=zz; route=c"}, ClientValid, 2, false},
		{"duplicate across lines", []string{"route=zz", "route=a"}, ClientValid, 0, false},
	}
	p := mustPolicy(t, stickyconf.DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Read(lines(tt.cookie...), testNow, nil)
			if got.State != tt.wantState || got.Peer != tt.wantPeer || got.Unknown != tt.unknown {
				t.Errorf("Read(%q) = %+v, want %v/%d unknown=%v", tt.cookie, got, tt.wantState, tt.wantPeer, tt.unknown)
			}
			if got.Fallback() != tt.unknown {
				t.Errorf("Fallback() = %v, want %v", got.Fallback(), tt.unknown)
			}
		})
	}
}

func TestReadUsable(t *testing.T) {
	downB := func(peer int) bool { return peer != 1 }
	noneUsable := func(int) bool { return false }
	tests := []struct {
		name      string
		cookie    string
		usable    func(int) bool
		wantState State
		wantPeer  int
	}{
		{"usable peer", "route=a", downB, ClientValid, 0},
		{"unusable peer is D with its index", "route=b", downB, ClientDown, 1},
		{"first usable pair wins over unusable first", "route=b; route=c", downB, ClientValid, 2},
		{"first of several unusable is reported", "route=b; route=a", noneUsable, ClientDown, 1},
		{"D outranks invalid", "route=zz; route=b", downB, ClientDown, 1},
		{"D outranks invalid after it", "route=b; route=zz", downB, ClientDown, 1},
		{"invalid pair does not consult usable", "route=zz", noneUsable, ClientInvalid, -1},
		{"unknown sid outranks an illegal pair", "route=; route=zz", downB, ClientInvalid, -1},
		{"D outranks an unknown sid", "route=zz; route=b", noneUsable, ClientDown, 1},
	}
	p := mustPolicy(t, stickyconf.DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Read(lines(tt.cookie), testNow, tt.usable)
			if got.State != tt.wantState || got.Peer != tt.wantPeer {
				t.Errorf("Read(%q) = %v/%d, want %v/%d", tt.cookie, got.State, got.Peer, tt.wantState, tt.wantPeer)
			}
			if got.Sticky() != (tt.wantState == ClientValid) {
				t.Errorf("Sticky() = %v for state %v", got.Sticky(), got.State)
			}
			// Every case here names a server: unless it routes, fallback decides.
			if got.Fallback() != (tt.wantState != ClientValid) {
				t.Errorf("Fallback() = %v for %+v", got.Fallback(), got)
			}
		})
	}
}

func TestReadRewriteAndPrefix(t *testing.T) {
	rewrite := mustPolicy(t, cfgWith(func(c *Config) { c.Mode, c.Cookie = ModeRewrite, "SERVERID" }))
	prefix := mustPolicy(t, cfgWith(func(c *Config) { c.Mode, c.Cookie = ModePrefix, "JSESSIONID" }))
	tests := []struct {
		name      string
		p         *Policy
		cookie    string
		wantState State
		wantPeer  int
		unknown   bool
	}{
		{"rewrite: whole value is the sid", rewrite, "SERVERID=b", ClientValid, 1, false},
		{"rewrite: unknown", rewrite, "SERVERID=b~x", ClientInvalid, -1, true},
		{"prefix: text before tilde", prefix, "JSESSIONID=c~ABCDEF", ClientValid, 2, false},
		{"prefix: only the first tilde splits", prefix, "JSESSIONID=a~b~c", ClientValid, 0, false},
		{"prefix: empty rest", prefix, "JSESSIONID=a~", ClientValid, 0, false},
		{"prefix: no tilde counts as no sticky cookie", prefix, "JSESSIONID=ABCDEF", ClientInvalid, -1, false},
		{"prefix: tilde first means empty sid", prefix, "JSESSIONID=~a", ClientInvalid, -1, false},
		{"prefix: quoted", prefix, `JSESSIONID="b~xyz"`, ClientValid, 1, false},
		{"prefix: pipes are just text", prefix, "JSESSIONID=a~1|2|3", ClientValid, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.Read(lines(tt.cookie), testNow, nil)
			want := Client{State: tt.wantState, Peer: tt.wantPeer, Unknown: tt.unknown}
			if got != want {
				t.Errorf("Read(%q) = %+v, want %+v", tt.cookie, got, want)
			}
		})
	}
}

func TestLetters(t *testing.T) {
	states := ""
	for s := ClientNone; s <= ClientOld; s++ {
		states += s.String()
	}
	actions := ""
	for a := CookieNothing; a <= CookieDeleted; a++ {
		actions += a.String()
	}
	if states != "NIDVEO" || actions != "NIUPRD" {
		t.Errorf("letters = %q %q, want NIDVEO NIUPRD", states, actions)
	}
	if State(99).Letter() != '?' || Action(99).Letter() != '?' {
		t.Error("out-of-range letters should be '?'")
	}
}
