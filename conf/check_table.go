package conf

import (
	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/parser"
)

// checkDirectives are Tengine's active health check directives: check and
// its companions in an upstream block, which conf/check reads through
// conf/upstream, and check_status in a location. Owned by the upstream side
// of conf.
var checkDirectives = []directive{
	{name: "check", ctx: ctxUpstream, args: atLeast(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_http_send", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_http_expect_alive", ctx: ctxUpstream, args: atLeast(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_http_expect_body", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_keepalive_requests", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	// Only type=fastcgi, which gw refuses, reads these; Tengine ignores
	// them for every other type, and so does gw.
	{name: "check_fastcgi_param", ctx: ctxUpstream, args: exactly(2), multi: true, handle: ignoreFastCGIParam},

	// check_status is a content handler like proxy_pass: not inherited,
	// and at location level only in gw (Tengine also takes it in server).
	{name: "check_status", ctx: ctxLoc, args: between(0, 1), set: checkStatusSetter},
}

// checkStatusSetter reads `check_status [html|csv|json]`. A location that
// also proxies would leave which of the two answers to the order of the
// lines (nginx keeps the last handler), so the two are refused together.
func checkStatusSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	p, err := check.ParseStatusPage(d)
	if err != nil {
		return nil, err
	}
	lv := b.lvl
	b.later(func() error {
		if lv.wrote("proxy_pass") {
			return errorAt(d.Pos, "\"check_status\" and \"proxy_pass\" cannot be in one location")
		}
		return nil
	})
	return func(s *Settings) { s.CheckStatus = p }, nil
}

// ignoreFastCGIParam records check_fastcgi_param's notice.
func ignoreFastCGIParam(b *builder, d *parser.Directive) error {
	b.notice(d.Pos, "%q is accepted and ignored: gw has no fastcgi checks", d.Name)
	return nil
}
