package vars

import (
	"bytes"
	"testing"
)

func TestCookieValue(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		cookie    string
		want      string
		wantFound bool
	}{
		{"later pair", "a=1; b=2", "b", "2", true},
		{"comma separates pairs when skipping", "a=1,b=2", "b", "2", true},
		{"no space after separator", "x=1;b=2", "b", "2", true},
		{"spaces around equals are skipped", "b = 2", "b", "2", true},
		{"longer name is not a match", "ab=1; b=2", "b", "2", true},
		{"name with suffix is not a match", "b_x=1", "b", "", false},
		{"names compare case-insensitively", "B=3", "b", "3", true},
		{"empty value is found", "b=; c=1", "b", "", true},
		{"first of repeated names wins", "b=1; b=2", "b", "1", true},
		{"name without equals is not a cookie", "b; c=1", "b", "", false},
		{"empty line", "", "b", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := cookieValue([]byte(tt.line), []byte(tt.cookie))
			if string(got) != tt.want || found != tt.wantFound {
				t.Errorf("cookieValue(%q, %q) = %q, %v; want %q, %v", tt.line, tt.cookie, got, found, tt.want, tt.wantFound)
			}
		})
	}
}

func TestHeaderLines(t *testing.T) {
	raw := "Host: h\r\nNoColon\r\n folded continuation\r\nX-A :  spaced value \t\r\nX-B: lf only\n\r\nX-After: ignored\r\n"
	want := []string{"Host=h", "X-A=spaced value", "X-B=lf only"}
	s := NewHeaderLines([]byte(raw))
	var got []string
	for {
		name, rest, ok := s.Next()
		if !ok {
			break
		}
		got = append(got, string(name)+"="+string(TrimOWS(rest)))
	}
	if len(got) != len(want) {
		t.Fatalf("scanned %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func FuzzCookieValue(f *testing.F) {
	f.Add("a=1; b=2", "b")
	f.Add("b = x,c=;", "c")
	f.Add(";;,, =", "")
	f.Fuzz(func(t *testing.T, line, name string) {
		v, found := cookieValue([]byte(line), []byte(name))
		if !found {
			return
		}
		if !bytes.Contains([]byte(line), v) || bytes.IndexByte(v, ';') >= 0 {
			t.Fatalf("cookieValue(%q, %q) = %q: not a ';'-free part of the line", line, name, v)
		}
	})
}
