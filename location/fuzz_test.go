package location

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

// The fuzz target builds a random location tree from a byte string and
// compares Match with a reference written straight from nginx's rules: plain
// linear scans, no trie, no prefilter.

// Building blocks chosen to collide: shared prefixes, exact and prefix
// twins, regexes that overlap with them and with each other.
var (
	fuzzPrefixes = []string{"", "/", "/a", "/a/", "/a/b", "/ab", "/abc", "/b", "/A", "/a/b/c", "/é"}
	fuzzRegexes  = []string{`\.php$`, `^/a`, `b`, `^/A/`, `x$`, `^/a/b$`, `(?i)^/A`, `.`, `^$`, `^/é`}
)

// fuzzTree reads a location tree from data: each byte triple picks a
// modifier, a pattern, and whether the following locations are
// nested inside (up to depth 3) and a byte ending in 0xf closes a block.
func fuzzTree(data []byte, depth int) ([]*conf.Location, []byte) {
	var locs []*conf.Location
	for len(data) >= 3 && len(locs) < 8 {
		op, arg, nest := data[0], int(data[1]), data[2]
		data = data[3:]
		if op%16 == 15 {
			break // end of this block
		}
		l := &conf.Location{Pos: pos(), Modifier: conf.Modifier(op % 6)}
		switch l.Modifier {
		case conf.ModRegex, conf.ModRegexCI:
			l.Pattern = fuzzRegexes[arg%len(fuzzRegexes)]
			l.Regex = regexp.MustCompile(l.Pattern)
		case conf.ModNamed:
			l.Pattern = "@" + fuzzPrefixes[arg%len(fuzzPrefixes)]
		default:
			l.Pattern = fuzzPrefixes[arg%len(fuzzPrefixes)]
		}
		// nginx rejects locations inside exact and named ones (conf's
		// errors), so the tree never has them.
		canNest := l.Modifier != conf.ModExact && l.Modifier != conf.ModNamed
		if nest%2 == 1 && depth < 3 && canNest {
			l.Locations, data = fuzzTree(data, depth+1)
			for _, n := range l.Locations {
				n.Parent = l
			}
		}
		locs = append(locs, l)
	}
	return locs, data
}

// refMatch is ngx_http_core_find_location done the slow way.
func refMatch(locs []*conf.Location, path string) (*conf.Location, bool) {
	for _, l := range locs {
		if l.Modifier == conf.ModExact && l.Pattern == path {
			return l, true
		}
	}
	var longest *conf.Location
	for _, l := range locs {
		isPrefix := l.Modifier == conf.ModPrefix || l.Modifier == conf.ModPrefixStop
		if isPrefix && strings.HasPrefix(path, l.Pattern) && (longest == nil || len(l.Pattern) > len(longest.Pattern)) {
			longest = l
		}
	}
	found := longest
	if longest != nil {
		if inner, final := refMatch(longest.Locations, path); inner != nil {
			if final {
				return inner, true
			}
			found = inner
		}
		if longest.Modifier == conf.ModPrefixStop {
			return found, false
		}
	}
	for _, l := range locs {
		if (l.Modifier == conf.ModRegex || l.Modifier == conf.ModRegexCI) && refRegex(l).MatchString(path) {
			if inner, _ := refMatch(l.Locations, path); inner != nil {
				return inner, true
			}
			return l, true
		}
	}
	return found, false
}

// refRegex compiles a location's regex independently of the package.
func refRegex(l *conf.Location) *regexp.Regexp {
	if l.Modifier == conf.ModRegexCI {
		return regexp.MustCompile("(?i)" + l.Pattern)
	}
	return regexp.MustCompile(l.Pattern)
}

func FuzzMatch(f *testing.F) {
	f.Add([]byte{0, 2, 1, 3, 2, 0, 15, 0, 0, 3, 0, 0}, "/a/x.php")
	f.Add([]byte{2, 2, 1, 3, 0, 0, 1, 4, 0, 4, 1, 0}, "/a/b/x")
	f.Add([]byte{0, 1, 0, 1, 1, 0, 0, 6, 1, 0, 8, 0, 15, 0, 0, 4, 2, 0}, "/abc")
	f.Add([]byte{3, 1, 1, 0, 4, 0, 15, 0, 0, 5, 3, 0}, "/a/b")
	f.Add([]byte{}, "/")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		locs, _ := fuzzTree(data, 0)
		// Duplicate locations, which conf refuses, are generated too: the
		// reference and the matcher must both keep the first one written.
		m, err := Compile(&conf.Server{Locations: locs})
		if err != nil {
			t.Fatalf("Compile: %v", err)
		}
		want, _ := refMatch(locs, path)
		if got := m.Match([]byte(path)); got != want {
			t.Errorf("Match(%q) = %s at %v, reference %s at %v\n%s",
				path, name(got), posOf(got), name(want), posOf(want), dumpTree(locs, ""))
		}
	})
}

func posOf(l *conf.Location) any {
	if l == nil {
		return nil
	}
	return l.Pos.Line
}

// dumpTree prints a location tree for failure messages.
func dumpTree(locs []*conf.Location, indent string) string {
	var b strings.Builder
	for _, l := range locs {
		b.WriteString(indent + "location " + name(l) + " # line " + strconv.Itoa(l.Pos.Line) + "\n")
		b.WriteString(dumpTree(l.Locations, indent+"    "))
	}
	return b.String()
}
