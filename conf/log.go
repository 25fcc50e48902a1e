package conf

import (
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// combinedName is the log format every http block predefines.
const combinedName = "combined"

// logDirectives are nginx's ngx_http_log_module directives.
var logDirectives = []directive{
	{name: "log_format", ctx: ctxHTTP, args: atLeast(2), multi: true, handle: logFormatDirective},
	{name: "access_log", ctx: ctxHSL, args: atLeast(1), multi: true, set: accessLogSetter,
		reset: func(s *Settings) { s.AccessLogs = nil }},
}

// accessLogIgnored are access_log parameters about nginx's write buffering,
// which gw's logger does its own way.
var accessLogIgnored = []string{"buffer=", "flush=", "gzip"}

// predefinedCombined is nginx's log_format combined.
func predefinedCombined() (*LogFormat, error) {
	t, err := vars.Parse(combinedFormat)
	if err != nil {
		return nil, err
	}
	return &LogFormat{Name: combinedName, Escape: vars.EscapeDefault, Format: t}, nil
}

// logFormatDirective reads `log_format NAME [escape=E] STRING ...`; the
// strings are joined without separator, as nginx does.
func logFormatDirective(b *builder, d *parser.Directive) error {
	name := d.Args[0].Value
	if _, dup := b.cfg.HTTP.LogFormats[name]; dup {
		return errorAt(d.Args[0].Pos, "duplicate \"log_format\" name %q", name)
	}
	f := &LogFormat{Pos: d.Pos, Name: name, Escape: vars.EscapeDefault}
	parts := d.Args[1:]
	if v, ok := strings.CutPrefix(parts[0].Value, "escape="); ok {
		e, err := vars.ParseEscape(v)
		if err != nil {
			return errorAt(parts[0].Pos, "%s", err)
		}
		f.Escape, parts = e, parts[1:]
	}
	if len(parts) == 0 {
		return errorAt(d.Pos, "invalid number of arguments in %q directive", d.Name)
	}
	// Each string is parsed alone first so an unknown variable is reported
	// at the string that holds it.
	var text strings.Builder
	for _, a := range parts {
		if _, err := value.Template(a); err != nil {
			return err
		}
		text.WriteString(a.Value)
	}
	t, err := value.Template(parser.Arg{Pos: parts[0].Pos, Value: text.String()})
	if err != nil {
		return err
	}
	f.Format = t
	b.cfg.HTTP.LogFormats[name] = f
	return nil
}

// accessLogSetter reads `access_log off` or `access_log PATH [FORMAT
// [if=COND] [buffer=SIZE] [flush=TIME] [gzip[=LEVEL]]]`. The format name is
// checked once the http block is read.
func accessLogSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	first := d.Args[0]
	if first.Value == "off" {
		if len(d.Args) > 1 {
			return nil, errorAt(d.Args[1].Pos, "invalid parameter %q", d.Args[1].Value)
		}
		return func(s *Settings) { s.AccessLogs, s.accessLogOff = nil, true }, nil
	}
	if strings.ContainsRune(first.Value, '$') || strings.HasPrefix(first.Value, "syslog:") {
		return nil, errorAt(first.Pos, "invalid parameter %q", first.Value)
	}
	// [gw] Without a format name the line is gw's JSON (issue 3), not
	// nginx's combined: FormatName stays "" and Format nil.
	l := AccessLog{Pos: d.Pos, Path: first.Value}
	if l.Path != "stderr" {
		l.Path = b.path(l.Path)
	}
	if len(d.Args) > 1 {
		l.FormatName = d.Args[1].Value
	}
	for _, a := range d.Args[min(2, len(d.Args)):] {
		if err := accessLogParam(b, &l, a); err != nil {
			return nil, err
		}
	}
	b.later(func() error { return b.bindLogFormat(&l, d) })
	return func(s *Settings) {
		if !s.accessLogOff {
			s.AccessLogs = append(s.AccessLogs, l)
		}
	}, nil
}

func accessLogParam(b *builder, l *AccessLog, a parser.Arg) error {
	if cond, ok := strings.CutPrefix(a.Value, "if="); ok {
		t, err := value.Template(parser.Arg{Pos: a.Pos, Value: cond})
		if err != nil {
			return err
		}
		l.If = t
		return nil
	}
	for _, p := range accessLogIgnored {
		if strings.HasPrefix(a.Value, p) {
			b.notice(a.Pos, "access_log parameter %q is accepted and ignored: gw has no such tuning", a.Value)
			return nil
		}
	}
	return errorAt(a.Pos, "invalid parameter %q", a.Value)
}

// bindLogFormat resolves an access_log's format name. Checks run before
// the settings are merged, so every copy of the AccessLog that merge makes
// carries the format.
func (b *builder) bindLogFormat(l *AccessLog, d *parser.Directive) error {
	if l.FormatName == "" {
		return nil // gw's JSON
	}
	f, ok := b.cfg.HTTP.LogFormats[l.FormatName]
	if !ok {
		return errorAt(d.Args[1].Pos, "unknown log format %q", l.FormatName)
	}
	l.Format = f
	return nil
}
