package check

import (
	"github.com/gw-proxy/gw/parser"
)

// Format is a check_status output format.
type Format uint8

// The formats of check_status; HTML is Tengine's default.
const (
	HTML Format = iota
	CSV
	JSON
)

// String returns the format's word.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case JSON:
		return "json"
	}
	return "html"
}

// formats are the words of ParseFormat.
var formats = map[string]Format{"html": HTML, "csv": CSV, "json": JSON}

// ParseFormat reads a format word, compared exactly as Tengine does; the
// status page's ?format= argument uses it too.
func ParseFormat(s string) (Format, bool) {
	f, ok := formats[s]
	return f, ok
}

// StatusPage is a location's check_status directive.
type StatusPage struct {
	Pos    parser.Pos
	Format Format // the format when the request does not ask for one
}

// ParseStatusPage reads `check_status [html|csv|json]`, with Tengine's
// message for a word it does not know. Newer Tengines also have
// prometheus, which gw refuses in words of its own.
func ParseStatusPage(d *parser.Directive) (*StatusPage, error) {
	p := &StatusPage{Pos: d.Pos, Format: HTML}
	if len(d.Args) == 0 {
		return p, nil
	}
	a := d.Args[0]
	f, ok := ParseFormat(a.Value)
	switch {
	case ok:
		p.Format = f
	case a.Value == "prometheus":
		return nil, parser.Errorf(a.Pos, "gw does not implement the %q check_status format", a.Value)
	default:
		return nil, parser.Errorf(a.Pos, "invalid check format %q", a.Value)
	}
	return p, nil
}
