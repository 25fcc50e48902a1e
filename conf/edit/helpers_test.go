package edit

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

// setup writes files (name -> text) under a fresh prefix and reads the
// configuration whose main file is "gw.conf".
func setup(t *testing.T, files map[string]string) (*Files, string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Read("gw.conf", dir)
	if err != nil {
		t.Fatal(err)
	}
	return f, dir
}

// texts returns f's texts by path relative to dir.
func texts(t *testing.T, f *Files, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, text := range f.Text {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = string(text)
	}
	return out
}

// checkTexts compares f's texts with want (relative path -> text); a
// file want does not name must be unchanged from before.
func checkTexts(t *testing.T, f *Files, dir string, before, want map[string]string) {
	t.Helper()
	got := texts(t, f, dir)
	for name, text := range got {
		w, ok := want[name]
		if !ok {
			w = before[name]
		}
		if text != w {
			t.Errorf("%s:\n--- got ---\n%s\n--- want ---\n%s", name, text, w)
		}
	}
}

// lines joins lines with LF and ends with one: golden texts read better so.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// replaceLines replaces whole lines of text, pairs of old and new; an
// empty new removes the line.
func replaceLines(text string, pairs ...string) string {
	for i := 0; i < len(pairs); i += 2 {
		old, repl := pairs[i]+"\n", pairs[i+1]+"\n"
		if pairs[i+1] == "" {
			repl = ""
		}
		if !strings.Contains(text, old) {
			panic("replaceLines: no line " + old)
		}
		text = strings.Replace(text, old, repl, 1)
	}
	return text
}

// norm writes a string of arguments the way reading gives it back.
func norm(t *testing.T, s string) string {
	t.Helper()
	if s == "" {
		return ""
	}
	w, err := splitArgs("norm", s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(w))
	for i, v := range w {
		out[i] = parser.Word(v)
	}
	return strings.Join(out, " ")
}

// normUpstream is u as it reads back once written: arguments normalised,
// IDs left out.
func normUpstream(t *testing.T, u Upstream) Upstream {
	t.Helper()
	u.Balancer, u.SessionSticky, u.Check = norm(t, u.Balancer), norm(t, u.SessionSticky), norm(t, u.Check)
	u.Sticky = u.Sticky || u.SessionSticky != "" // normalised: it has arguments
	servers := []Server{}
	for _, s := range u.Servers {
		s.ID = ""
		if len(s.Params) == 0 {
			s.Params = nil
		}
		servers = append(servers, s)
	}
	u.Servers = servers
	return u
}

// checkSameUpstream checks that got reads as want was written.
func checkSameUpstream(t *testing.T, got, want Upstream) {
	t.Helper()
	if g, w := normUpstream(t, got), normUpstream(t, want); !reflect.DeepEqual(g, w) {
		t.Errorf("read back\n%+v\nwant\n%+v", g, w)
	}
}
