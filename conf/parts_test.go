package conf

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

func TestParseServerName(t *testing.T) {
	tests := []struct {
		name, in string
		kind     ServerNameKind
		stored   string
		err      string
	}{
		{"exact names are lower-cased", "WWW.Example.com", NameExact, "www.example.com", ""},
		{"leading star", "*.example.com", NameWildPrefix, "*.example.com", ""},
		{"leading dot", ".example.com", NameWildPrefix, ".example.com", ""},
		{"trailing star", "www.example.*", NameWildSuffix, "www.example.*", ""},
		{"underscore is just a name", "_", NameExact, "_", ""},
		{"empty name", "", NameExact, "", ""},
		{"regex keeps its case", `~^(?<Sub>\w+)\.Example$`, NameRegex, `^(?<Sub>\w+)\.Example$`, ""},
		{"star in the middle", "www.*.com", 0, "", "invalid server name or wildcard"},
		{"two stars", "*.example.*", 0, "", "invalid server name or wildcard"},
		{"PCRE look-ahead", "~(?=x)", 0, "", "invalid regex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseServerName(parser.Arg{Value: tt.in})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || n.Kind != tt.kind || n.Name != tt.stored {
				t.Errorf("got %v %q %v, want %v %q", n.Kind, n.Name, err, tt.kind, tt.stored)
			}
		})
	}
}

func TestRegexServerNameIsCaseless(t *testing.T) {
	n, err := parseServerName(parser.Arg{Value: `~^api\d+\.example\.com$`})
	if err != nil {
		t.Fatal(err)
	}
	if !n.Regex.MatchString("API7.EXAMPLE.COM") {
		t.Error("nginx compiles server_name regexes caseless")
	}
}

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
