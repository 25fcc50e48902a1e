package conf

import (
	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/parser"
)

// logDirectives are nginx's ngx_http_log_module directives; conf/logs
// reads them.
var logDirectives = []directive{
	{name: "log_format", ctx: ctxHTTP, args: atLeast(2), multi: true, handle: logFormatDirective},
	{name: "access_log", ctx: ctxHSL, args: atLeast(1), multi: true, set: accessLogSetter,
		reset: func(s *Settings) { s.AccessLogs = nil }},
}

// logFormatDirective adds a log_format to the http block.
func logFormatDirective(b *builder, d *parser.Directive) error {
	f, err := logs.ParseFormatWith(d, b.cfg.HTTP.LogFormats, b.template)
	if err != nil {
		return err
	}
	b.cfg.HTTP.LogFormats[f.Name] = f
	return nil
}

// accessLogSetter reads access_log. As in nginx, "off" cancels every
// access_log of its level whatever the order. The format name is checked
// once the http block is read: a log_format may follow its first use.
func accessLogSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	l, off, err := logs.ParseAccessWith(d, b.path, b.notice, b.template)
	if err != nil {
		return nil, err
	}
	if off {
		return func(s *Settings) { s.AccessLogs, s.accessLogOff = nil, true }, nil
	}
	b.later(func() error { return l.Bind(d, b.cfg.HTTP.LogFormats) })
	return func(s *Settings) {
		if !s.accessLogOff {
			s.AccessLogs = append(s.AccessLogs, l)
		}
	}, nil
}
