package location

import (
	"regexp"
	"testing"
)

func TestPrefilterRequiredLiteral(t *testing.T) {
	tests := []struct {
		name, re, required string
		fold               bool
	}{
		{"case-insensitive suffix with alternation", `(?i)\.x01(gif|jpe?g)$`, ".x01", true},
		{"longest literal of the concatenation", `/ab.+/abcd`, "/abcd", false},
		{"k folds to the Kelvin sign: left to the regex", `(?i)/kx`, "", false},
		{"s folds to the long s: left to the regex", `(?i)/sx`, "", false},
		{"non-ASCII folded literal: left to the regex", `(?i)/éx`, "", false},
		{"top-level alternation requires nothing", `a|b`, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPrefiltered(regexp.MustCompile(tc.re))
			if string(p.required) != tc.required || p.fold != tc.fold {
				t.Errorf("required %q fold %v; want %q fold %v", p.required, p.fold, tc.required, tc.fold)
			}
		})
	}
	p := newPrefiltered(regexp.MustCompile(`(?i)\.x01(gif|png)$`))
	for path, want := range map[string]bool{"/A.X01GIF": true, "/a.x01png": true, "/a.x02gif": false, "/index.html": false} {
		if got := p.match([]byte(path)); got != want {
			t.Errorf("match(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestPrefilterLiterals(t *testing.T) {
	tests := []struct {
		name, re, prefix, suffix string
	}{
		{"anchored literal start", `^/api/`, "/api/", ""},
		{"anchored literal start then more", `^/r00/.*\.php$`, "/r00/", ".php"},
		{"literal end", `\.php$`, "", ".php"},
		{"both ends of one literal", `^/a$`, "/a", "/a"},
		{"unanchored literal", `/api/`, "", ""},
		{"case-insensitive literal is left to the regex", `(?i)^/api/`, "", ""},
		{"case-insensitive end", `(?i)\.PHP$`, "", ""},
		{"alternation at the end", `\.(png|jpg)$`, "", ""},
		{"multi-line ^ is not the start of text", `(?m)^/a`, "", ""},
		{"non-ASCII literal", `^/é`, "/é", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPrefiltered(regexp.MustCompile(tc.re))
			if string(p.prefix) != tc.prefix || string(p.suffix) != tc.suffix {
				t.Errorf("prefix, suffix = %q, %q; want %q, %q", p.prefix, p.suffix, tc.prefix, tc.suffix)
			}
		})
	}
}

// FuzzPrefilter checks that the prefilter never changes a regex's answer.
func FuzzPrefilter(f *testing.F) {
	for _, s := range [][2]string{
		{`^/api/`, "/api/x"}, {`\.php$`, "/x.php"}, {`^/a$`, "/a"}, {`^/é.*x$`, "/éx"},
		{`(?i)^/K`, "/\u212a"}, {`(?i)\.x01(gif|png)$`, "/A.X01GIF"}, {`(?i)ab`, "/xAB"}, {`(?i)sx`, "/\u017fx"},
		{`(?i)kx`, "/\u212ax"}, {`a.b(c|d)`, "/a-bd"}, {`^/\x{fffd}`, "/\xff"}, {`\x{fffd}$`, "\xfe"}, {`^\x{ff}`, "\xff"}, {`a|^/b`, "/b"}, {`(?i)/IMG/x`, "/a/img/X"}, {`^/Ab.*cD$`, "/Ab/cD"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, expr, path string) {
		if len(expr) > 64 || len(path) > 256 {
			return // long inputs only slow the search for small counterexamples
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		p := newPrefiltered(re)
		want := re.MatchString(path)
		if got := p.match([]byte(path)); got != want {
			t.Errorf("prefiltered %q on %q = %v, regexp says %v", expr, path, got, want)
		}
		if rejected := p.need&^pairsOf([]byte(path)) != 0; rejected && want {
			t.Errorf("the pair mask of %q rejects %q, which the regexp matches", expr, path)
		}
	})
}
