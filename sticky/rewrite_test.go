package sticky

import (
	"strings"
	"testing"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

func TestAppendRewrite(t *testing.T) {
	big := strings.Repeat("z", 8<<10)
	tests := []struct {
		name   string
		mode   Mode
		line   string
		want   string
		wantOK bool
	}{
		{"rewrite plain", ModeRewrite, "SID=x", "SID=b", true},
		{"rewrite keeps attributes byte for byte", ModeRewrite, "SID=x;Path=/a; Expires=Wed, 01-Jan-2070 00:00:00 GMT;HttpOnly",
			"SID=b;Path=/a; Expires=Wed, 01-Jan-2070 00:00:00 GMT;HttpOnly", true},
		{"rewrite keeps spaces around", ModeRewrite, " SID = x ; Path=/", " SID = b ; Path=/", true},
		{"rewrite empty value", ModeRewrite, "SID=; Max-Age=0", "SID=b; Max-Age=0", true},
		{"rewrite empty value at end", ModeRewrite, "SID=", "SID=b", true},
		{"rewrite quoted value loses quotes", ModeRewrite, `SID="x y"; Path=/`, "SID=b; Path=/", true},
		{"rewrite value with equals", ModeRewrite, "SID=a=b; Path=/", "SID=b; Path=/", true},
		{"rewrite 8 KiB value", ModeRewrite, "SID=" + big + "; Secure", "SID=b; Secure", true},
		{"rewrite ignores equals in attributes", ModeRewrite, "SID; Path=/", "", false},
		{"rewrite other name", ModeRewrite, "SIDX=1; Path=/", "", false},
		{"rewrite name is case-sensitive", ModeRewrite, "sid=1", "", false},
		{"rewrite empty line", ModeRewrite, "", "", false},
		{"prefix plain", ModePrefix, "SID=abc; Path=/", "SID=b~abc; Path=/", true},
		{"prefix empty value", ModePrefix, "SID=; Path=/", "SID=b~; Path=/", true},
		{"prefix inside quotes", ModePrefix, `SID="abc"; Path=/`, `SID="b~abc"; Path=/`, true},
		{"prefix keeps an existing tilde", ModePrefix, "SID=a~x", "SID=b~a~x", true},
		{"prefix keeps pipes and non-ASCII", ModePrefix, "SID=ä|1", "SID=b~ä|1", true},
		{"prefix lone quote is not quoted", ModePrefix, `SID="`, `SID=b~"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, cfgWith(func(c *Config) { c.Mode, c.Cookie = tt.mode, "SID" }))
			got, ok := p.AppendRewrite([]byte("<"), []byte(tt.line), 1)
			if ok != tt.wantOK || string(got) != "<"+tt.want {
				t.Errorf("AppendRewrite(%q) = %q, %v; want %q, %v", tt.line, got, ok, "<"+tt.want, tt.wantOK)
			}
		})
	}
}

func TestAppendRewriteInsertModeRefuses(t *testing.T) {
	p := mustPolicy(t, stickyconf.DefaultConfig())
	if got, ok := p.AppendRewrite(nil, []byte("route=x"), 0); ok || got != nil {
		t.Errorf("insert mode AppendRewrite = %q, %v", got, ok)
	}
}

func TestNames(t *testing.T) {
	p := mustPolicy(t, stickyconf.DefaultConfig())
	tests := []struct {
		line string
		want bool
	}{
		{"route=1", true},
		{"route=", true},
		{"  route =1; Path=/", true},
		{"myroute=1", false},
		{"route_x=1", false},
		{"Route=1", false},
		{"x=1; route=2", false},
		{"route", false},
		{"route; Path=/x=y", false},
	}
	for _, tt := range tests {
		if got := p.Names([]byte(tt.line)); got != tt.want {
			t.Errorf("Names(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
