package logs

import (
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// AccessLog is one access_log destination.
type AccessLog struct {
	Pos  parser.Pos
	Path string // absolute path, or Stderr
	// Format is resolved after the whole http block is read; nil means
	// gw's JSON line [gw: nginx defaults to combined; gw's default is a
	// JSON line with fixed field names, which log pipelines read without a
	// format and which has room for what combined lacks, such as the
	// upstream and the session_sticky letters].
	Format *Format
	// FormatName is the log_format's name as written ("" when none).
	FormatName string
	If         *vars.Template // if=: log only when non-empty and not "0"; nil: always
}

// accessLogIgnored are access_log parameters about nginx's write buffering,
// which gw's logger does its own way.
var accessLogIgnored = []string{"buffer=", "flush=", "gzip"}

// ParseAccess reads `access_log off` (off is true) or `access_log PATH
// [FORMAT [if=COND] [buffer=SIZE] [flush=TIME] [gzip[=LEVEL]]]`. path
// resolves a file name against the prefix; notice reports a parameter that
// is accepted and ignored. The format name is bound later (Bind), once the
// whole http block is read.
func ParseAccess(d *parser.Directive, path func(string) string,
	notice func(parser.Pos, string, ...any)) (l AccessLog, off bool, err error) {
	return ParseAccessWith(d, path, notice, value.Template)
}

// ParseAccessWith is ParseAccess with the configuration's templater for
// if=, so that the condition may be a map variable (nginx's usual
// `map $status $loggable`).
func ParseAccessWith(d *parser.Directive, path func(string) string,
	notice func(parser.Pos, string, ...any), template value.Templater) (l AccessLog, off bool, err error) {
	first := d.Args[0]
	if first.Value == "off" {
		if len(d.Args) > 1 {
			return l, false, parser.Errorf(d.Args[1].Pos, "invalid parameter %q", d.Args[1].Value)
		}
		return l, true, nil
	}
	if strings.ContainsRune(first.Value, '$') {
		return l, false, parser.Errorf(first.Pos, "invalid parameter %q", first.Value)
	}
	if strings.HasPrefix(first.Value, SyslogPrefix) {
		if _, err := ParseSyslog(first.Value); err != nil {
			return l, false, parser.Errorf(first.Pos, "%v", err)
		}
	}
	// [gw] Without a format name the line is gw's JSON, not nginx's
	// combined (see AccessLog.Format): FormatName stays "" and Format nil.
	l = AccessLog{Pos: d.Pos, Path: first.Value}
	if l.Path != Stderr && !strings.HasPrefix(l.Path, SyslogPrefix) {
		l.Path = path(l.Path)
	}
	if len(d.Args) > 1 {
		l.FormatName = d.Args[1].Value
	}
	for _, a := range d.Args[min(2, len(d.Args)):] {
		if err := l.param(a, notice, template); err != nil {
			return l, false, err
		}
	}
	return l, false, nil
}

// param reads one parameter after the format name.
func (l *AccessLog) param(a parser.Arg, notice func(parser.Pos, string, ...any), template value.Templater) error {
	if cond, ok := strings.CutPrefix(a.Value, "if="); ok {
		t, err := template(parser.Arg{Pos: a.Pos, Value: cond})
		if err != nil {
			return err
		}
		l.If = t
		return nil
	}
	for _, p := range accessLogIgnored {
		if strings.HasPrefix(a.Value, p) {
			notice(a.Pos, "access_log parameter %q is accepted and ignored: gw has no such tuning", a.Value)
			return nil
		}
	}
	return parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
}

// Bind resolves the format name of the access_log directive d among the
// http block's formats. conf runs it before the settings are merged, so
// every copy of the AccessLog that merge makes carries the format.
func (l *AccessLog) Bind(d *parser.Directive, formats map[string]*Format) error {
	if l.FormatName == "" {
		return nil // gw's JSON
	}
	f, ok := formats[l.FormatName]
	if !ok {
		return parser.Errorf(d.Args[1].Pos, "unknown log format %q", l.FormatName)
	}
	l.Format = f
	return nil
}
