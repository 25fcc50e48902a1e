package sticky

import (
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

func TestStickyDefaults(t *testing.T) {
	s, err := Parse(conftest.Directive(t, "session_sticky;"))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Pos:    parser.Pos{File: "t.conf", Line: 1, Col: 1},
		Cookie: "route", Path: "/", Mode: ModeInsert, Indirect: false,
		Fallback: true, Hash: HashMD5,
	}
	if *s != want {
		t.Errorf("defaults = %+v\nwant       %+v", *s, want)
	}
	if s.Timestamps() || s.Cleans() {
		t.Errorf("defaults: Timestamps %v, Cleans %v; want false, false", s.Timestamps(), s.Cleans())
	}
}

func TestStickyEveryParameter(t *testing.T) {
	s, err := Parse(conftest.Directive(t, "session_sticky cookie=SID domain=.example.com path=/app "+
		"maxage=1h maxidle=600 maxlife=1d mode=insert option=indirect fallback=off hash=hmac "+
		"secret=k3y httponly secure samesite=lax nocache postonly preserve;"))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Pos:    parser.Pos{File: "t.conf", Line: 1, Col: 1},
		Cookie: "SID", Domain: ".example.com", Path: "/app",
		MaxAge: time.Hour, MaxIdle: 600 * time.Second, MaxLife: 24 * time.Hour,
		Mode: ModeInsert, Indirect: true, Fallback: false, Hash: HashHMAC, Secret: "k3y",
		HTTPOnly: true, Secure: true, SameSite: "Lax", NoCache: true, PostOnly: true, Preserve: true,
	}
	if *s != want {
		t.Errorf("got  %+v\nwant %+v", *s, want)
	}
	if !s.Timestamps() || !s.Cleans() {
		t.Errorf("Timestamps %v, Cleans %v; want true, true", s.Timestamps(), s.Cleans())
	}
}

func TestModes(t *testing.T) {
	tests := []struct {
		src        string
		mode       Mode
		hash       Hash
		cleans     bool
		timestamps bool
	}{
		{"session_sticky mode=rewrite;", ModeRewrite, HashMD5, false, false},
		{"session_sticky mode=prefix;", ModePrefix, HashMD5, true, false},
		{"session_sticky mode=prefix option=indirect;", ModePrefix, HashMD5, true, false},
		{"session_sticky mode=prefix maxidle=10;", ModePrefix, HashMD5, true, false},
		{"session_sticky maxlife=10 hash=plain;", ModeInsert, HashPlain, false, true},
		{"session_sticky option=direct hash=md5;", ModeInsert, HashMD5, false, false},
	}
	for _, tt := range tests {
		s, err := Parse(conftest.Directive(t, tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if s.Mode != tt.mode || s.Hash != tt.hash || s.Cleans() != tt.cleans || s.Timestamps() != tt.timestamps {
			t.Errorf("%s: mode %d hash %d cleans %v timestamps %v; want %d %d %v %v", tt.src,
				s.Mode, s.Hash, s.Cleans(), s.Timestamps(), tt.mode, tt.hash, tt.cleans, tt.timestamps)
		}
	}
}

func TestStickyBadParameters(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown parameter", "session_sticky cookie=a foo=bar;", `invalid argument "foo=bar" in t.conf:1:25`},
		{"bare word", "session_sticky insert;", `invalid argument "insert" in t.conf:1:16`},
		{"flag with a value", "session_sticky httponly=on;", `invalid argument "httponly=on" in t.conf:1:16`},
		{"parameter without value", "session_sticky mode;", `invalid argument "mode" in t.conf:1:16`},
		{"empty cookie", "session_sticky cookie=;", `invalid cookie "cookie=" in t.conf:1:16`},
		{"cookie not a token", `session_sticky "cookie=a b";`, `invalid cookie "cookie=a b" in t.conf:1:16`},
		{"empty domain", "session_sticky domain=;", `invalid domain "domain=" in t.conf:1:16`},
		{"empty path", "session_sticky path=;", `invalid path "path=" in t.conf:1:16`},
		// The sticky package used to refuse these only when gw started.
		{"space in path", `session_sticky "path=/a b";`, `invalid path "path=/a b" in t.conf:1:16`},
		{"non-ASCII domain", "session_sticky domain=exämple.com;", `invalid domain "domain=exämple.com" in t.conf:1:16`},
		{"bad maxage", "session_sticky maxage=soon;", `invalid maxage "maxage=soon" in t.conf:1:16`},
		{"zero maxage", "session_sticky maxage=0;", `invalid maxage "maxage=0" in t.conf:1:16`},
		{"bad maxidle", "session_sticky maxidle=-1;", `invalid maxidle "maxidle=-1" in t.conf:1:16`},
		{"bad maxlife", "session_sticky maxlife=1x;", `invalid maxlife "maxlife=1x" in t.conf:1:16`},
		{"bad mode", "session_sticky mode=insertx;", `invalid mode "mode=insertx" in t.conf:1:16`},
		{"mode is case-sensitive", "session_sticky mode=Insert;", `invalid mode "mode=Insert" in t.conf:1:16`},
		{"bad option", "session_sticky option=hidden;", `invalid option "option=hidden" in t.conf:1:16`},
		{"bad fallback", "session_sticky fallback=yes;", `invalid fallback "fallback=yes" in t.conf:1:16`},
		{"bad hash", "session_sticky hash=sha1;", `invalid hash mode "hash=sha1" in t.conf:1:16`},
		{"empty secret", "session_sticky secret=;", `invalid secret "secret=" in t.conf:1:16`},
		{"bad samesite", "session_sticky samesite=always;", `invalid samesite "samesite=always" in t.conf:1:16`},
		{"repeated parameter", "session_sticky mode=insert mode=rewrite;", `duplicate parameter "mode=rewrite" in t.conf:1:28`},
		{"rewrite with indirect", "session_sticky option=indirect mode=rewrite;",
			`"option=indirect" cannot be used with "mode=rewrite" in t.conf:1:16`},
		{"preserve without insert", "session_sticky mode=prefix preserve;",
			`"preserve" requires "mode=insert" in t.conf:1:28`},
		{"hmac without secret", "session_sticky cookie=x hash=hmac;", `"hash=hmac" requires "secret=" in t.conf:1:25`},
		{"samesite=none without secure", "session_sticky httponly samesite=none;",
			`"samesite=none" requires "secure": browsers drop a SameSite=None cookie that is not Secure in t.conf:1:25`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(conftest.Directive(t, tt.src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

// FuzzSticky feeds operator input to session_sticky: it must never panic,
// and what it accepts must keep the rules the sticky package relies on.
func FuzzSticky(f *testing.F) {
	for _, seed := range []string{
		"", "cookie=route mode=insert option=indirect", "mode=prefix maxidle=1h maxlife=1d",
		"hash=hmac secret=k httponly secure samesite=lax nocache postonly preserve",
		"mode=rewrite option=indirect", "cookie= path=", "maxage=1y1M1w1d1h1m1s",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, params string) {
		d := &parser.Directive{Name: "session_sticky"}
		for _, w := range strings.Fields(params) {
			d.Args = append(d.Args, parser.Arg{Value: w})
		}
		s, err := Parse(d)
		if err != nil {
			return
		}
		if !isCookieToken(s.Cookie) || !isAttrValue(s.Path) || s.MaxAge < 0 || s.MaxIdle < 0 || s.MaxLife < 0 {
			t.Errorf("accepted %q as %+v", params, s)
		}
		if (s.Mode == ModeRewrite && s.Indirect) || (s.Preserve && s.Mode != ModeInsert) ||
			(s.Hash == HashHMAC && s.Secret == "") {
			t.Errorf("accepted a contradiction %q as %+v", params, s)
		}
	})
}
