package conf

import (
	"github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/parser"
)

// upstreamDirectives are the directives of the upstream block (server,
// least_conn, ip_hash, hash, random, keepalive...). Owned by the upstream
// side of conf; see table.go for how rows work.
var upstreamDirectives = []directive{
	{name: "upstream", ctx: ctxHTTP, args: exactly(1), block: true, multi: true, handle: handleUpstream},
	{name: "server", ctx: ctxUpstream, args: atLeast(1), multi: true, handle: inUpstream((*upstream.Config).AddServer)},

	{name: "least_conn", ctx: ctxUpstream, args: exactly(0), handle: balancer(upstream.LeastConn)},
	{name: "ip_hash", ctx: ctxUpstream, args: exactly(0), handle: balancer(upstream.IPHash)},
	{name: "hash", ctx: ctxUpstream, args: between(1, 2), handle: balancer(upstream.Hash)},
	{name: "random", ctx: ctxUpstream, args: between(0, 2), handle: balancer(upstream.Random)},

	{name: "keepalive", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).SetKeepalive)},
	{name: "keepalive_timeout", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).SetKeepaliveTimeout)},
	{name: "queue", ctx: ctxUpstream, args: between(1, 2), handle: inUpstream((*upstream.Config).SetQueue)},
	{name: "keepalive_requests", ctx: ctxUpstream, args: exactly(1), handle: inUpstream((*upstream.Config).SetKeepaliveRequests)},
}

// stickyDirectives are session_sticky and the http/server/location
// directives that go with it. Owned by the upstream side of conf.
var stickyDirectives = []directive{
	// Tengine takes any number of parameters, none included.
	{name: "session_sticky", ctx: ctxUpstream, args: atLeast(0), handle: inUpstream((*upstream.Config).SetSticky)},
	// nginx Plus's sticky cookie / route / learn (conf/upstream/plus.go).
	{name: "sticky", ctx: ctxUpstream, args: atLeast(1), handle: stickyPlus},
	{name: "sticky_store", ctx: ctxUpstream, args: between(1, 3), handle: inUpstream((*upstream.Config).SetStore)},
	// multi: one line per upstream may stand at one level.
	{name: "session_sticky_header", ctx: ctxHSL, args: between(1, 2), multi: true, set: setStickyClean},
	{name: "session_sticky_hide_cookie", ctx: ctxHSL, args: between(1, 2), multi: true, set: setStickyClean},
	{name: "session_sticky_bypass", ctx: ctxHSL, args: atLeast(1), multi: true, set: setStickyBypass,
		reset: func(s *Settings) { s.Sticky.Bypass = nil }},
}

// handleUpstream builds one upstream block: conf/upstream reads its
// directives and checks the block once it is read.
func handleUpstream(b *builder, d *parser.Directive) error {
	h := b.http()
	name := d.Args[0].Value
	if h.Upstream(name) != nil {
		return errorAt(d.Pos, "duplicate upstream %q", name)
	}
	u := upstream.New(d.Pos, name)
	h.Upstreams = append(h.Upstreams, u)
	if err := b.walkUpstream(u, d.Block); err != nil {
		return err
	}
	return u.Validate(d)
}

// inUpstream makes the handler of a directive of the upstream block from
// the conf/upstream method that reads it into the block being walked.
func inUpstream(read func(u *upstream.Config, d *parser.Directive) error) handler {
	return func(b *builder, d *parser.Directive) error { return read(b.currentUpstream(), d) }
}

// stickyPlus reads nginx Plus's sticky directive; its variables are
// parsed within the configuration's (map, set), and a learn zone must
// not be another upstream's.
func stickyPlus(b *builder, d *parser.Directive) error {
	u := b.currentUpstream()
	if err := u.SetStickyPlus(d, b.template); err != nil {
		return err
	}
	if u.Learn == nil {
		return nil
	}
	for _, other := range b.http().Upstreams {
		if other != u && other.Learn != nil && other.Learn.Zone == u.Learn.Zone {
			return errorAt(d.Pos, "sticky zone %q is already used in upstream %q", u.Learn.Zone, other.Name)
		}
	}
	return nil
}

// balancer makes the handler of the balancer directive of kind k; hash's
// key is parsed within the configuration's variables (map, set).
func balancer(k upstream.BalancerKind) handler {
	return func(b *builder, d *parser.Directive) error { return b.currentUpstream().SetBalancer(k, d, b.template) }
}
