package logs

import (
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Format is a log_format.
type Format struct {
	Pos    parser.Pos
	Name   string
	Escape vars.Escape // escape=default|json|none, parsed
	Format *vars.Template
}

// CombinedName is the log format every http block predefines.
const CombinedName = "combined"

// combinedFormat is nginx's predefined log_format combined.
const combinedFormat = `$remote_addr - $remote_user [$time_local] "$request" ` +
	`$status $body_bytes_sent "$http_referer" "$http_user_agent"`

// Combined returns nginx's predefined log_format combined.
func Combined() (*Format, error) {
	t, err := vars.Parse(combinedFormat)
	if err != nil {
		return nil, err
	}
	return &Format{Name: CombinedName, Escape: vars.EscapeDefault, Format: t}, nil
}

// ParseFormat reads `log_format NAME [escape=E] STRING ...`; the strings
// are joined without separator, as nginx does. formats are the formats
// already defined in the http block, combined included: a name may be
// defined once.
func ParseFormat(d *parser.Directive, formats map[string]*Format) (*Format, error) {
	return ParseFormatWith(d, formats, value.Template)
}

// ParseFormatWith is ParseFormat with the configuration's templater, so
// that a format may log map and set variables.
func ParseFormatWith(d *parser.Directive, formats map[string]*Format, template value.Templater) (*Format, error) {
	name := d.Args[0].Value
	if _, dup := formats[name]; dup {
		return nil, parser.Errorf(d.Args[0].Pos, "duplicate \"log_format\" name %q", name)
	}
	f := &Format{Pos: d.Pos, Name: name, Escape: vars.EscapeDefault}
	parts := d.Args[1:]
	if v, ok := strings.CutPrefix(parts[0].Value, "escape="); ok {
		e, err := vars.ParseEscape(v)
		if err != nil {
			return nil, parser.Errorf(parts[0].Pos, "%s", err)
		}
		f.Escape, parts = e, parts[1:]
	}
	if len(parts) == 0 {
		return nil, parser.Errorf(d.Pos, "invalid number of arguments in %q directive", d.Name)
	}
	// Each string is parsed alone first so an unknown variable is reported
	// at the string that holds it.
	var text strings.Builder
	for _, a := range parts {
		if _, err := template(a); err != nil {
			return nil, err
		}
		text.WriteString(a.Value)
	}
	t, err := template(parser.Arg{Pos: parts[0].Pos, Value: text.String()})
	if err != nil {
		return nil, err
	}
	f.Format = t
	return f, nil
}
