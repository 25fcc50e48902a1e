package names

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

func TestParseServerName(t *testing.T) {
	tests := []struct {
		name, in string
		kind     Kind
		stored   string
		err      string
	}{
		{"exact names are lower-cased", "WWW.Example.com", Exact, "www.example.com", ""},
		{"leading star", "*.example.com", WildPrefix, "*.example.com", ""},
		{"leading dot", ".example.com", WildPrefix, ".example.com", ""},
		{"trailing star", "www.example.*", WildSuffix, "www.example.*", ""},
		{"underscore is just a name", "_", Exact, "_", ""},
		{"empty name", "", Exact, "", ""},
		{"regex keeps its case", `~^(?<Sub>\w+)\.Example$`, Regex, `^(?<Sub>\w+)\.Example$`, ""},
		{"star in the middle", "www.*.com", 0, "", "invalid server name or wildcard"},
		{"two stars", "*.example.*", 0, "", "invalid server name or wildcard"},
		{"PCRE look-ahead", "~(?=x)", 0, "", "invalid regex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(parser.Arg{Value: tt.in})
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
	n, err := Parse(parser.Arg{Value: `~^api\d+\.example\.com$`})
	if err != nil {
		t.Fatal(err)
	}
	if !n.Regex.MatchString("API7.EXAMPLE.COM") {
		t.Error("nginx compiles server_name regexes caseless")
	}
}
