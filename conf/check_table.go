package conf

import (
	"github.com/gw-proxy/gw/conf/upstream"
)

// checkDirectives are Tengine's active health check directives: check and
// its companions in an upstream block, which conf/check reads through
// conf/upstream (check_status is a page: page_table.go).
var checkDirectives = []directive{
	{name: "check", ctx: ctxUpstream, args: atLeast(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_http_send", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_http_expect_alive", ctx: ctxUpstream, args: atLeast(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_http_expect_body", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	{name: "check_keepalive_requests", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).ReadCheck)},
	// Only type=fastcgi, which gw refuses, reads these; Tengine ignores
	// them for every other type, and so does gw.
	{name: "check_fastcgi_param", ctx: ctxUpstream, args: exactly(2), multi: true, handle: because("gw has no fastcgi checks")},
}
