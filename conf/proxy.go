package conf

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/proxyreq"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// proxyDirectives are nginx's ngx_http_proxy_module directives gw has.
var proxyDirectives = []directive{
	{name: "proxy_pass", ctx: ctxLoc, args: exactly(1), set: proxyPassSetter},
	{name: "proxy_set_header", ctx: ctxHSL, args: exactly(2), multi: true, set: proxySetHeaderSetter,
		reset: func(s *Settings) { s.ProxySetHeaders = nil }},
	{name: "proxy_hide_header", ctx: ctxHSL, args: exactly(1), multi: true,
		set:   headerListSetter(func(s *Settings) *[]string { return &s.ProxyHideHeaders }),
		reset: func(s *Settings) { s.ProxyHideHeaders = nil }},
	{name: "proxy_pass_header", ctx: ctxHSL, args: exactly(1), multi: true,
		set:   headerListSetter(func(s *Settings) *[]string { return &s.ProxyPassHeaders }),
		reset: func(s *Settings) { s.ProxyPassHeaders = nil }},
	{name: "proxy_http_version", ctx: ctxHSL, args: exactly(1), set: proxyHTTPVersionSetter},
	{name: "proxy_connect_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ProxyConnectTimeout })},
	{name: "proxy_read_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ProxyReadTimeout })},
	{name: "proxy_send_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ProxySendTimeout })},
	{name: "proxy_next_upstream", ctx: ctxHSL, args: atLeast(1), set: nextUpstreamSetter},
	{name: "proxy_next_upstream_tries", ctx: ctxHSL, args: exactly(1),
		set: numberSetter(func(s *Settings) *int { return &s.ProxyNextUpstreamTries })},
	{name: "proxy_next_upstream_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ProxyNextUpstreamTimeout })},
	{name: "proxy_redirect", ctx: ctxHSL, args: between(1, 2), multi: true, set: proxyRedirectSetter,
		reset: func(s *Settings) { s.ProxyRedirects = nil }},
	{name: "proxy_buffering", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ProxyBuffering })},
	{name: "proxy_request_buffering", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ProxyRequestBuffering })},
	{name: "proxy_ignore_client_abort", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ProxyIgnoreClientAbort })},
	{name: "proxy_intercept_errors", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ProxyInterceptErrors })},
	{name: "proxy_ssl_verify", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ProxySSLVerify })},
	{name: "proxy_ssl_server_name", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ProxySSLServerName })},
	{name: "proxy_ssl_name", ctx: ctxHSL, args: exactly(1), set: proxySSLNameSetter},
}

// nextUpstreamSetter reads proxy_next_upstream's conditions.
func nextUpstreamSetter(_ *builder, d *parser.Directive) (func(*Settings), error) {
	set, err := proxyreq.ParseNextUpstream(d)
	if err != nil {
		return nil, err
	}
	return func(s *Settings) { s.ProxyNextUpstream = set }, nil
}

func proxySetHeaderSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	v, err := b.template(d.Args[1])
	if err != nil {
		return nil, err
	}
	h := Header{Name: d.Args[0].Value, Value: v}
	return func(s *Settings) { s.ProxySetHeaders = append(s.ProxySetHeaders, h) }, nil
}

// headerListSetter appends a lower-cased header name to a list: header
// names compare case-insensitively, so the proxy can compare bytes.
func headerListSetter(field func(*Settings) *[]string) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		name := strings.ToLower(d.Args[0].Value)
		return func(s *Settings) { *field(s) = append(*field(s), name) }, nil
	}
}

func proxyHTTPVersionSetter(_ *builder, d *parser.Directive) (func(*Settings), error) {
	v := d.Args[0].Value
	if v != HTTPVersion10 && v != HTTPVersion11 {
		return nil, errorAt(d.Args[0].Pos, "invalid value %q", v)
	}
	return func(s *Settings) { s.ProxyHTTPVersion = v }, nil
}

func proxySSLNameSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	t, err := b.template(d.Args[0])
	if err != nil {
		return nil, err
	}
	return func(s *Settings) { s.ProxySSLName = t }, nil
}

// proxyRedirectSetter reads `proxy_redirect default|off|FROM TO`. As in
// nginx, "off" cancels every proxy_redirect of its level whatever the
// order, and an explicit "default" must follow proxy_pass in its location.
func proxyRedirectSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	if len(d.Args) == 1 {
		switch d.Args[0].Value {
		case "off":
			return func(s *Settings) { s.ProxyRedirects, s.redirectOff = nil, true }, nil
		case "default":
			if b.lvl.proxyPassVars {
				return nil, errorAt(d.Pos, "\"proxy_redirect default\" cannot be used with \"proxy_pass\" directive with variables")
			}
			if !b.lvl.wrote("proxy_pass") {
				return nil, errorAt(d.Pos, "\"proxy_redirect default\" should be placed after the \"proxy_pass\" directive")
			}
			return appendRedirect(ProxyRedirect{Default: true}), nil
		}
		return nil, errorAt(d.Args[0].Pos, "invalid parameter %q", d.Args[0].Value)
	}
	r := ProxyRedirect{From: d.Args[0].Value}
	if from, ci := strings.CutPrefix(r.From, "~*"); ci || strings.HasPrefix(r.From, "~") {
		if !ci {
			from = r.From[1:]
		}
		re, err := value.Regex(d.Args[0], from, ci)
		if err != nil {
			return nil, err
		}
		r.From, r.Regex = from, re
	} else {
		from, err := b.template(d.Args[0])
		if err != nil {
			return nil, err
		}
		if !from.IsLiteral() {
			r.FromVars = from
		}
	}
	to, err := b.template(d.Args[1])
	if err != nil {
		return nil, err
	}
	r.To = to
	return appendRedirect(r), nil
}

func appendRedirect(r ProxyRedirect) func(*Settings) {
	return func(s *Settings) {
		if !s.redirectOff {
			s.ProxyRedirects = append(s.ProxyRedirects, r)
		}
	}
}

// wrote reports whether a directive of this name was met at this level.
func (lv *level) wrote(name string) bool {
	for _, p := range lv.pending {
		if p.row.name == name {
			return true
		}
	}
	return false
}

// The values of proxy_http_version.
const (
	HTTPVersion10 = "1.0"
	HTTPVersion11 = "1.1"
)
