package location

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

// matchCase is one request against one server's locations.
type matchCase struct {
	name string
	locs func() []*conf.Location
	path string
	want string // name() of the expected location; "" for none
}

func TestMatchNginxOrder(t *testing.T) {
	for _, tc := range matchCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := mustCompile(t, server(tc.locs()...))
			if got := name(m.Match([]byte(tc.path))); got != tc.want {
				t.Errorf("Match(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func ls(l ...*conf.Location) func() []*conf.Location {
	return func() []*conf.Location { return l }
}

func matchCases() []matchCase {
	return append(append(basicCases(), regexCases()...), nestedCases()...)
}

func basicCases() []matchCase {
	prefixes := ls(loc("/"), loc("/a"), loc("/a/b"), loc("/ab"), loc("/abc"))
	return []matchCase{
		{"exact beats prefix of the same pattern", ls(loc("/x"), loc("= /x"), loc("/")), "/x", "= /x"},
		{"exact does not match a longer path", ls(loc("= /x"), loc("/x")), "/xy", "/x"},
		{"exact does not match a shorter path", ls(loc("= /xy"), loc("/")), "/x", "/"},
		{"exact beats regex", ls(loc("~ \\.php$"), loc("= /a.php")), "/a.php", "= /a.php"},
		{"exact beats ^~", ls(loc("^~ /a"), loc("= /a/x")), "/a/x", "= /a/x"},
		{"exact / only matches /", ls(loc("= /")), "/x", ""},
		{"exact / matches /", ls(loc("= /"), loc("/")), "/", "= /"},
		{"longest prefix wins", prefixes, "/a/b/c", "/a/b"},
		{"longest prefix with shared first bytes", prefixes, "/abd", "/ab"},
		{"longest prefix is the whole path", prefixes, "/abc", "/abc"},
		{"shorter prefix when the longer diverges", prefixes, "/a/c", "/a"},
		{"catch-all /", prefixes, "/zzz", "/"},
		{"longest prefix does not depend on order", ls(loc("/a/b/c"), loc("/a"), loc("/a/b")), "/a/b/x", "/a/b"},
		{"prefix matching is case-sensitive", ls(loc("/Abc")), "/abc", ""},
		{"no location matches", ls(loc("/a"), loc("= /b")), "/b/c", ""},
		{"no locations at all", ls(), "/", ""},
		{"empty path matches no prefix but the empty one", ls(loc("/")), "", ""},
		{"named location never matches a URI", ls(loc("@fallback")), "@fallback", ""},
		{"named location is skipped for the catch-all", ls(loc("@x"), loc("/")), "/@x", "/"},
		{"path with bytes above 0x7f", ls(loc("/é"), loc("/")), "/é/x", "/é"},
	}
}

func regexCases() []matchCase {
	return []matchCase{
		{"regex beats the longest prefix", ls(loc("/a"), loc("~ ^/a/b")), "/a/b", "~ ^/a/b"},
		{"prefix when no regex matches", ls(loc("/a"), loc("~ \\.php$")), "/a/x.html", "/a"},
		{"regexes in file order, first wins", ls(loc("~ \\.php$"), loc("~ ^/a/")), "/a/x.php", "~ \\.php$"},
		{"regexes in file order, reversed", ls(loc("~ ^/a/"), loc("~ \\.php$")), "/a/x.php", "~ ^/a/"},
		{"regex without any prefix", ls(loc("~ ^/api/")), "/api/x", "~ ^/api/"},
		{"^~ stops the regexes", ls(loc("^~ /static/"), loc("~ \\.css$")), "/static/x.css", "^~ /static/"},
		{"^~ elsewhere does not stop", ls(loc("^~ /static/"), loc("~ \\.css$")), "/other/x.css", "~ \\.css$"},
		{"^~ only counts when it is the longest prefix", ls(loc("^~ /a"), loc("/a/b"), loc("~ \\.css$")), "/a/b/x.css", "~ \\.css$"},
		{"^~ longest beats a plain shorter prefix", ls(loc("/a"), loc("^~ /a/b"), loc("~ \\.css$")), "/a/b/x.css", "^~ /a/b"},
		{"~ is case-sensitive", ls(loc("/"), loc("~ \\.JPG$")), "/x.jpg", "/"},
		{"~* is case-insensitive, lower path", ls(loc("~* \\.JPG$")), "/x.jpg", "~* \\.JPG$"},
		{"~* is case-insensitive, mixed path", ls(loc("~* \\.jpg$")), "/X.JpG", "~* \\.jpg$"},
		{"regex sees the whole path", ls(loc("~ ^/a$")), "/a/", ""},
	}
}

func nestedCases() []matchCase {
	return []matchCase{
		{"nested prefix refines its parent", ls(loc("/a", loc("/a/b"))), "/a/b/c", "/a/b"},
		{"parent when no nested location matches", ls(loc("/a", loc("/a/b"))), "/a/c", "/a"},
		{"nested exact", ls(loc("/a", loc("= /a/x"))), "/a/x", "= /a/x"},
		{"nested exact beats outer regex", ls(loc("/a", loc("= /a/x")), loc("~ x$")), "/a/x", "= /a/x"},
		{"nested location only when its parent is the longest prefix",
			ls(loc("/a", loc("/a/b/c")), loc("/a/b")), "/a/b/c", "/a/b"},
		{"nested regex before outer regex",
			ls(loc("/a", loc("~ \\.php$")), loc("~ ^/a/")), "/a/x.php", "~ \\.php$"},
		{"outer regex when no nested regex matches",
			ls(loc("/a", loc("~ \\.php$")), loc("~ ^/a/")), "/a/x.html", "~ ^/a/"},
		{"nested regex of a parent that did not match is not tried",
			ls(loc("/b", loc("~ \\.php$")), loc("/a")), "/a/x.php", "/a"},
		{"deepest prefix when no regex matches at any depth",
			ls(loc("/a", loc("/a/b", loc("~ z$")), loc("~ y$")), loc("~ x$")), "/a/b/c", "/a/b"},
		{"regexes innermost first",
			ls(loc("/a", loc("/a/b", loc("~ c")), loc("~ b")), loc("~ a")), "/a/b/c", "~ c"},
		{"middle regex when the innermost fails",
			ls(loc("/a", loc("/a/b", loc("~ z")), loc("~ b")), loc("~ a")), "/a/b/c", "~ b"},
		{"^~ parent still tries its nested regexes",
			ls(loc("^~ /a", loc("~ \\.php$")), loc("~ \\.txt$")), "/a/x.php", "~ \\.php$"},
		{"^~ parent skips the outer regexes",
			ls(loc("^~ /a", loc("~ \\.php$")), loc("~ \\.txt$")), "/a/x.txt", "^~ /a"},
		{"nested ^~ skips only the regexes of its own block",
			ls(loc("/a", loc("^~ /a/b"), loc("~ css")), loc("~ \\.css$")), "/a/b/x.css", "~ \\.css$"},
		{"nested ^~ skips the regexes next to it",
			ls(loc("/a", loc("^~ /a/b"), loc("~ css"))), "/a/b/x.css", "^~ /a/b"},
		{"regex location refined by its nested regex",
			ls(loc("~ ^/api/", loc("~ \\.json$"))), "/api/x.json", "~ \\.json$"},
		{"regex location when its nested regex fails",
			ls(loc("~ ^/api/", loc("~ \\.json$"))), "/api/x.xml", "~ ^/api/"},
		{"regex location refined by its nested prefix",
			ls(loc("~ ^/api/", loc("/api/v1"))), "/api/v1/x", "/api/v1"},
		{"regex location refined by its nested exact",
			ls(loc("~ ^/api/", loc("= /api/x"))), "/api/x", "= /api/x"},
		{"same pattern at two levels: the inner one",
			ls(loc("/a", loc("/a"))), "/a/x", "/a"},
	}
}

func TestMatchInnerSamePatternIsTheNestedOne(t *testing.T) {
	inner := loc("/a")
	m := mustCompile(t, server(loc("/a", inner)))
	if got := m.Match([]byte("/a/x")); got != inner {
		t.Errorf("Match = %p (parent %v), want the nested location %p", got, got.Parent == nil, inner)
	}
}

func TestNamed(t *testing.T) {
	first, second := loc("@fallback"), loc("@fallback")
	m := mustCompile(t, server(loc("/"), first, second, loc("@other")))
	tests := []struct {
		name string
		in   string
		want *conf.Location
	}{
		{"first of two with the same name", "@fallback", first},
		{"unknown name", "@missing", nil},
		{"name must keep its @", "fallback", nil},
		{"prefix location is not named", "/", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.Named(tc.in); got != tc.want {
				t.Errorf("Named(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestRegexCaseInsensitivityHowConfCompiledIt(t *testing.T) {
	tests := []struct {
		name  string
		regex *regexp.Regexp
	}{
		{"conf compiled it as written", regexp.MustCompile(`\.JPG$`)},
		{"conf compiled it with (?i)", regexp.MustCompile(`(?i)\.JPG$`)},
		{"conf left it to us", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &conf.Location{Pos: pos(), Modifier: conf.ModRegexCI, Pattern: `\.JPG$`, Regex: tc.regex}
			m := mustCompile(t, server(l))
			for _, p := range []string{"/a.jpg", "/a.JPG", "/a.JpG"} {
				if m.Match([]byte(p)) != l {
					t.Errorf("Match(%q) = nil, want the ~* location", p)
				}
			}
			if m.Match([]byte("/a.png")) != nil {
				t.Errorf("Match(/a.png) matched")
			}
		})
	}
}

func TestCaseSensitiveRegexCompiledFromPattern(t *testing.T) {
	l := &conf.Location{Pos: pos(), Modifier: conf.ModRegex, Pattern: `\.JPG$`}
	m := mustCompile(t, server(l))
	if m.Match([]byte("/a.JPG")) != l || m.Match([]byte("/a.jpg")) != nil {
		t.Errorf("~ compiled from Pattern must be case-sensitive")
	}
}

func TestNilMatcherAndServer(t *testing.T) {
	var m *Matcher
	if m.Match([]byte("/")) != nil || m.Named("@x") != nil {
		t.Error("nil Matcher must match nothing")
	}
	m = mustCompile(t, nil)
	if m.Match([]byte("/")) != nil {
		t.Error("Matcher of a nil server must match nothing")
	}
}

// TestCompileErrors covers what Compile still refuses, and what it
// accepts that might look like a duplicate. Duplicate locations are conf's
// error (conf/location_test.go).
func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		locs func() (all []*conf.Location, culprit *conf.Location)
		want string // the message; "" for no error
	}{
		{"exact and prefix may share a pattern", func() ([]*conf.Location, *conf.Location) {
			return []*conf.Location{loc("/x"), loc("= /x")}, nil
		}, ""},
		{"the same prefix at two levels is fine", func() ([]*conf.Location, *conf.Location) {
			return []*conf.Location{loc("/a", loc("/a"))}, nil
		}, ""},
		{"two identical regexes are fine", func() ([]*conf.Location, *conf.Location) {
			return []*conf.Location{loc("~ x"), loc("~ x")}, nil
		}, ""},
		{"invalid regex", func() ([]*conf.Location, *conf.Location) {
			d := &conf.Location{Pos: pos(), Modifier: conf.ModRegex, Pattern: "("}
			return []*conf.Location{d}, d
		}, `invalid regex "("`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			locs, culprit := tc.locs()
			_, err := Compile(server(locs...))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Compile: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Compile succeeded, want %q", tc.want)
			}
			wantEnd := " in " + culprit.Pos.String()
			if !strings.HasPrefix(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), wantEnd) {
				t.Errorf("Compile error %q, want %q...%q", err, tc.want, wantEnd)
			}
		})
	}
}

// TestDuplicateKeepsFirst covers a tree conf would have refused: Compile
// does not check it again, and the first location written keeps its slot,
// as the first of two equal regexes wins.
func TestDuplicateKeepsFirst(t *testing.T) {
	prefix, stop := loc("/x"), loc("^~ /x")
	exact, exactAgain := loc("= /y"), loc("= /y")
	m := mustCompile(t, server(prefix, stop, exact, exactAgain))
	if got := m.Match([]byte("/x/a")); got != prefix {
		t.Errorf("Match(/x/a) = %s at %v, want the first /x", name(got), posOf(got))
	}
	if got := m.Match([]byte("/y")); got != exact {
		t.Errorf("Match(/y) = %s at %v, want the first = /y", name(got), posOf(got))
	}
}
