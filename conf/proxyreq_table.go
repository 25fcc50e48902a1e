package conf

import (
	"github.com/gw-proxy/gw/conf/proxyreq"
	"github.com/gw-proxy/gw/parser"
)

// proxyRequestDirectives shape the request sent upstream, read by
// conf/proxyreq.
var proxyRequestDirectives = []directive{
	{name: "proxy_method", ctx: ctxHSL, args: exactly(1), set: proxyreqSetter(proxyreq.ReadMethod)},
	{name: "proxy_pass_request_headers", ctx: ctxHSL, args: onOff,
		set: proxyreqSetter(proxyreq.Off(proxyreq.ClientHeaders))},
	{name: "proxy_pass_request_body", ctx: ctxHSL, args: onOff,
		set: proxyreqSetter(proxyreq.Off(proxyreq.ClientBody))},
	{name: "proxy_set_body", ctx: ctxHSL, args: exactly(1), set: proxyreqSetter(proxyreq.ReadSetBody)},
	{name: "proxy_ssl_session_reuse", ctx: ctxHSL, args: onOff,
		set: proxyreqSetter(proxyreq.Off(proxyreq.SSLSessionReuse))},
}

func proxyreqSetter(read proxyreq.Reader) setter {
	return func(b *builder, d *parser.Directive) (func(*Settings), error) {
		apply, err := read(d, proxyreq.Env{Template: b.template})
		if err != nil {
			return nil, err
		}
		return func(s *Settings) { apply(&s.ProxyRequest) }, nil
	}
}
