package vars

import (
	"strings"
	"testing"
)

func TestScopeDeclare(t *testing.T) {
	sc := NewScope([]string{"sub"})
	for _, tt := range []struct{ name, err string }{
		{"host", `the duplicate "host" variable`},
		{"1", `the duplicate "1" variable`},
		{"a-b", `invalid variable name "$a-b"`},
		{"mine", ""},
		{"MINE", ""}, // names are case-insensitive: the same variable
		{"http_x_shadow", ""},
	} {
		_, err := sc.Declare(tt.name)
		if (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("Declare(%q) = %v, want %q", tt.name, err, tt.err)
		}
	}
	if sc.Len() != 2 {
		t.Errorf("Len = %d, want 2 (mine, http_x_shadow)", sc.Len())
	}
	if _, err := sc.Parse("$nowhere"); err == nil || err.Error() != `unknown "nowhere" variable` {
		t.Errorf("unknown variable: %v", err)
	}
}

// set semantics: unset is "", a set value may read the variable itself, a
// set on a prefix family's name shadows the header only once written.
func TestSetVar(t *testing.T) {
	sc := NewScope(nil)
	mine, _ := sc.Declare("mine")
	shadow, _ := sc.Declare("http_x_shadow")
	tmpl, err := sc.Parse("[$mine][$http_x_shadow]")
	if err != nil {
		t.Fatal(err)
	}
	r := &Request{Ctx: newCtx(t, "GET / HTTP/1.1\nHost: h\nX-Shadow: hdr\n\n")}
	if got := string(tmpl.Append(nil, r)); got != "[][hdr]" {
		t.Errorf("before set: %q", got)
	}
	r.SetVar(mine, MustParse("a"))
	self, _ := sc.Parse("${mine}b-$uri")
	r.SetVar(mine, self)
	r.SetVar(shadow, MustParse("set"))
	if got := string(tmpl.Append(nil, r)); got != "[ab-/][set]" {
		t.Errorf("after set: %q", got)
	}
	dst := make([]byte, 0, 64)
	r2 := &Request{Ctx: r.Ctx}
	r2.SetVar(mine, self)
	if n := testing.AllocsPerRun(100, func() {
		ctx := r2.Ctx
		r2.Reset()
		r2.Ctx = ctx
		r2.SetVar(mine, self)
		dst = tmpl.Append(dst[:0], r2)
	}); n != 0 {
		t.Errorf("set and read allocated %v times, want 0", n)
	}
	if !strings.HasPrefix(string(dst), "[b-/]") {
		t.Errorf("after Reset: %q", dst)
	}
}
