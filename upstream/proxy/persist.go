package proxy

import (
	"time"

	"github.com/gw-proxy/gw/upstream"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

// Persistence is the session-persistence hook of the retry loop, where
// session_sticky plugs in (sticky_persist.go implements it over the sticky
// package). DESIGN's "one request" puts it at three points: "clean request
// headers" while the upstream request is built, "sticky reads the cookie ->
// peer, else balancer picks" before the first pick, and "sticky writes the
// response cookie" once the response that goes to the client is known. A
// Proxy without persistence has a nil Persistence and skips all three.
//
// One Persistence serves an upstream: the builder asks Options.Persistence
// once per upstream and shares the result between the locations that proxy
// to it. What differs per location (session_sticky_header,
// session_sticky_bypass) reaches the hook in PersistRequest.Scope, and
// per-request state lives in the PersistRequest, which the pooled exchange
// keeps, so implementations must be safe for concurrent use and need not
// allocate.
type Persistence interface {
	// Request decides the Cookie header the upstream receives, before the
	// upstream request is built (session_sticky_header cleans the sticky
	// cookie out of it). It runs once, before Choose.
	Request(s *PersistRequest) CookieOut
	// Choose runs once per request, before the balancer; s.Now is set.
	Choose(s *PersistRequest) Choice
	// Respond runs once, on the upstream response that goes to the client,
	// before its header is copied to the client's response: p is the peer
	// that answered. It may edit h (insert or rewrite Set-Cookie, merge
	// Cache-Control: private). It is not called for answers gw makes
	// itself (errors, intercepted statuses).
	Respond(s *PersistRequest, p *upstream.Peer, h *fasthttp.ResponseHeader)
}

// Choice is what Persistence.Choose decided for a request.
type Choice struct {
	// Peer is the peer the client's session is bound to, Available at
	// s.Now (the loop still Acquires it), or nil: the balancer picks a
	// peer for a new session.
	Peer *upstream.Peer
	// Pin keeps every retry of the request on Peer instead of asking the
	// balancer: session_sticky fallback=off tries the same server again
	// until the tries run out (spec §4.4). A pinned peer that cannot be
	// acquired (max_conns) ends the request with 502.
	Pin bool
	// Status, when not 0, refuses the request with nothing proxied:
	// fallback=off and a cookie naming a server that cannot take it
	// (spec §4.3) is 502.
	Status int
}

// CookieOut is how the client's Cookie header lines cross to the upstream.
// The zero value drops them all; KeepCookies passes them as they are.
type CookieOut struct {
	// Keep passes every Cookie line byte for byte.
	Keep bool
	// Value, when Keep is false, is the one Cookie line sent in place of
	// the client's (at the position of the first one); empty sends none.
	// It must stay valid until the upstream request is built.
	Value []byte
}

// KeepCookies forwards the client's Cookie lines unchanged.
var KeepCookies = CookieOut{Keep: true}

// PersistScope is what a location adds to its upstream's persistence: the
// session_sticky_header (or session_sticky_hide_cookie) switch in effect
// there for the upstream, and the location's session_sticky_bypass
// templates (spec §1).
type PersistScope struct {
	// Clean: requests here are cleaned of what the upstream's persistence
	// put in the Cookie header.
	Clean bool
	// Bypass are the session_sticky_bypass templates: any value neither
	// empty nor "0" turns persistence off for the request.
	Bypass []*vars.Template
}

// PersistRequest is one request as the persistence hook sees it. The
// exchange owns it and clears it between requests, keeping the capacity
// of its buffers, so the hook carries what Choose learnt to Respond without
// allocating.
type PersistRequest struct {
	Ctx   *fasthttp.RequestCtx // the client's request
	R     *vars.Request        // its variables; $sticky_cookie and $sticky_status go here
	Scope *PersistScope        // the location's; never nil while in use
	// Now is the one instant of the request's persistence decisions
	// (cookie expiry, availability, the timestamps written back): the
	// time the first try starts.
	Now time.Time

	sticky stickyState // session_sticky's per-request memory
}

// reset clears s for the next request, keeping its buffers.
func (s *PersistRequest) reset() {
	s.Ctx, s.R, s.Scope, s.Now = nil, nil, nil, time.Time{}
	s.sticky.reset()
}
