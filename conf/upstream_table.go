package conf

import (
	"github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// upstreamDirectives are the directives of the upstream block (server,
// least_conn, ip_hash, hash, random, keepalive...). Owned by the upstream
// side of conf; see table.go for how rows work.
var upstreamDirectives = []directive{
	{name: "upstream", ctx: ctxHTTP, args: exactly(1), block: true, multi: true, handle: handleUpstream},
	{name: "server", ctx: ctxUpstream, args: atLeast(1), multi: true, handle: handleUpstreamServer},

	{name: "least_conn", ctx: ctxUpstream, args: exactly(0), handle: balancerHandler(LeastConn)},
	{name: "ip_hash", ctx: ctxUpstream, args: exactly(0), handle: balancerHandler(IPHash)},
	{name: "hash", ctx: ctxUpstream, args: between(1, 2), handle: balancerHandler(Hash)},
	{name: "random", ctx: ctxUpstream, args: between(0, 2), handle: balancerHandler(Random)},

	{name: "keepalive", ctx: ctxUpstream, args: exactly(1), handle: handleUpstreamKeepalive},
	{name: "keepalive_timeout", ctx: ctxUpstream, args: exactly(1), handle: handleUpstreamKeepaliveTimeout},
	{name: "keepalive_requests", ctx: ctxUpstream, args: exactly(1), handle: handleUpstreamKeepaliveRequests},
}

// stickyDirectives are session_sticky and the http/server/location
// directives that go with it. Owned by the upstream side of conf.
var stickyDirectives = []directive{
	// Tengine takes any number of parameters, none included.
	{name: "session_sticky", ctx: ctxUpstream, args: atLeast(0), handle: handleSticky},
	// multi: one line per upstream may stand at one level.
	{name: "session_sticky_header", ctx: ctxHSL, args: between(1, 2), multi: true, set: setStickyClean},
	{name: "session_sticky_hide_cookie", ctx: ctxHSL, args: between(1, 2), multi: true, set: setStickyClean},
	{name: "session_sticky_bypass", ctx: ctxHSL, args: atLeast(1), multi: true, set: setStickyBypass,
		reset: func(s *Settings) { s.Sticky.Bypass = nil }},
}

// handleUpstream builds one upstream block. The checks that involve
// several directives of the block run after the whole block is read, so
// that, unlike in nginx, the order of the directives inside does not matter.
func handleUpstream(b *builder, d *parser.Directive) error {
	h := b.http()
	name := d.Args[0].Value
	if h.Upstream(name) != nil {
		return errorAt(d.Pos, "duplicate upstream %q", name)
	}
	u := &Upstream{
		Pos: d.Pos, Name: name,
		KeepaliveTimeout:  defaultUpstreamKeepaliveTimeout,
		KeepaliveRequests: defaultUpstreamKeepaliveRequests,
	}
	h.Upstreams = append(h.Upstreams, u)
	if err := b.walkUpstream(u, d.Block); err != nil {
		return err
	}
	return checkUpstream(u, d)
}

// handleUpstreamServer adds the addresses of one server directive.
func handleUpstreamServer(b *builder, d *parser.Directive) error {
	servers, err := parseServer(d)
	if err != nil {
		return err
	}
	u := b.currentUpstream()
	u.Servers = append(u.Servers, servers...)
	return nil
}

// balancerHandler returns the handler of the balancer directive of kind k.
// An upstream has one balancer: nginx warns and keeps the last one, gw
// refuses the second, which is never what the operator meant.
func balancerHandler(k BalancerKind) handler {
	return func(b *builder, d *parser.Directive) error {
		u := b.currentUpstream()
		if u.Balancer.Kind != RoundRobin {
			return errorAt(d.Pos, "load balancing method redefined")
		}
		bal, err := parseBalancer(k, d)
		if err != nil {
			return err
		}
		u.Balancer = bal
		return nil
	}
}

// parseBalancer reads the arguments of hash and random; least_conn and
// ip_hash take none.
func parseBalancer(k BalancerKind, d *parser.Directive) (Balancer, error) {
	bal := Balancer{Pos: d.Pos, Kind: k}
	var extra []parser.Arg
	switch k {
	case Hash:
		key, err := value.Template(d.Args[0])
		if err != nil {
			return bal, err
		}
		bal.Key = key
		if len(d.Args) == 2 && d.Args[1].Value == "consistent" {
			bal.Consistent = true
		} else {
			extra = d.Args[1:]
		}
	case Random:
		// `random two least_conn`: nginx's only method for choosing between
		// the two picks, and its default.
		if len(d.Args) > 0 && d.Args[0].Value == "two" {
			bal.Two = true
			if len(d.Args) == 1 || d.Args[1].Value == "least_conn" {
				break
			}
			extra = d.Args[1:]
		} else {
			extra = d.Args
		}
	}
	if len(extra) > 0 {
		return bal, errorAt(extra[0].Pos, "invalid parameter %q", extra[0].Value)
	}
	return bal, nil
}

// handleUpstreamKeepalive is `keepalive N`: the idle connections cached.
func handleUpstreamKeepalive(b *builder, d *parser.Directive) error {
	a := d.Args[0]
	n, ok := value.Number(a.Value)
	if !ok || n < 1 {
		return errorAt(a.Pos, "invalid value %q in %q directive", a.Value, d.Name)
	}
	b.currentUpstream().Keepalive = n
	return nil
}

// handleUpstreamKeepaliveTimeout is the upstream's keepalive_timeout, not
// the client one of http/server/location.
func handleUpstreamKeepaliveTimeout(b *builder, d *parser.Directive) error {
	t, ok := value.Time(d.Args[0].Value)
	if !ok {
		return invalidValue(d, d.Args[0])
	}
	b.currentUpstream().KeepaliveTimeout = t
	return nil
}

// handleUpstreamKeepaliveRequests is the upstream's keepalive_requests.
func handleUpstreamKeepaliveRequests(b *builder, d *parser.Directive) error {
	a := d.Args[0]
	n, ok := value.Number(a.Value)
	if !ok {
		// ngx_conf_set_num_slot's words.
		return errorAt(a.Pos, "%q directive invalid number", d.Name)
	}
	b.currentUpstream().KeepaliveRequests = n
	return nil
}

// handleSticky is session_sticky in an upstream. The walker has already
// refused a second one (`"session_sticky" directive is duplicate`).
func handleSticky(b *builder, d *parser.Directive) error {
	s, err := sticky.Parse(d)
	if err != nil {
		return err
	}
	b.currentUpstream().Sticky = s
	return nil
}
