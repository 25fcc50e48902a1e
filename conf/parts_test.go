package conf

import (
	"testing"
)

func TestSplitGluedModifier(t *testing.T) {
	tests := []struct {
		in  string
		mod Modifier
		pat string
	}{
		{"/x", ModPrefix, "/x"},
		{"=/x", ModExact, "/x"},
		{"^~/x", ModPrefixStop, "/x"},
		{`~\.php$`, ModRegex, `\.php$`},
		{`~*\.jpg$`, ModRegexCI, `\.jpg$`},
		{"@named", ModNamed, "@named"},
	}
	for _, tt := range tests {
		mod, pat := splitGlued(tt.in)
		if mod != tt.mod || pat != tt.pat {
			t.Errorf("splitGlued(%q) = %q %q, want %q %q", tt.in, mod, pat, tt.mod, tt.pat)
		}
	}
}

func TestCaselessLocationRegex(t *testing.T) {
	c := buildText(t, "events {}\nhttp { server { location ~* \\.JPG$ { } location ~ \\.PNG$ { } } }")
	locs := c.HTTP.Servers[0].Locations
	if !locs[0].Regex.MatchString("/a.jpg") {
		t.Error("~* must match regardless of case")
	}
	if locs[1].Regex.MatchString("/a.png") {
		t.Error("~ must be case-sensitive")
	}
}
