package sticky

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
)

// TestWarnings: a setting that does nothing is warned about at its own
// argument, and the same setting where it does something is not.
func TestWarnings(t *testing.T) {
	tests := []struct {
		src  string
		want []string // "col: start of the message"
	}{
		{"session_sticky;", nil},
		{"session_sticky maxidle=1h maxlife=1d secret=k nocache path=/a;", nil},
		{"session_sticky hash=hmac secret=k mode=prefix;", nil},
		{"session_sticky mode=rewrite maxidle=1h;", []string{`29: "maxidle=1h" does nothing with "mode=rewrite"`}},
		{"session_sticky mode=prefix maxlife=1d nocache;", []string{
			`28: "maxlife=1d" does nothing with "mode=prefix"`, `39: "nocache" does nothing with "mode=prefix"`}},
		{"session_sticky secret=k;", []string{`16: "secret=" is not used`}},
		{"session_sticky mode=prefix maxidle=1h secret=k;", []string{
			`28: "maxidle=1h" does nothing`, `39: "secret=" is not used`}},
		{"session_sticky path=app;", []string{`16: "path=app" does not start with "/"`}},
	}
	for _, tt := range tests {
		d := conftest.Directive(t, tt.src)
		s, err := Parse(d)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		ws := Warnings(d, s)
		if len(ws) != len(tt.want) {
			t.Errorf("%s: %d warnings %v, want %d", tt.src, len(ws), ws, len(tt.want))
			continue
		}
		for i, w := range ws {
			if got := fmt.Sprintf("%d: %s", w.Pos.Col, w.Msg); !strings.HasPrefix(got, tt.want[i]) {
				t.Errorf("%s: warning %q, want %q...", tt.src, got, tt.want[i])
			}
		}
	}
}

// TestSwitched: an explicit switch=off is a decision about cleaning, as
// switch=on is; no line at all is none.
func TestSwitched(t *testing.T) {
	var s Settings
	s.SetClean(Clean{Upstream: "a", On: false})
	if !s.Switched("A") || s.Cleans("a") || s.Switched("b") {
		t.Errorf("Switched(A) %v Cleans(a) %v Switched(b) %v; want true false false", s.Switched("A"), s.Cleans("a"), s.Switched("b"))
	}
}
