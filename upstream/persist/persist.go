package persist

import (
	"errors"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/resphead"
)

// Persistence is the session-persistence hook of the proxy's retry loop.
// The loop calls it at three points of a request: Request while the
// upstream request is built (what of the client's Cookie header the
// upstream sees), Choose before the first pick (the session's peer, else
// the balancer picks), and Respond once the response that goes to the
// client is known (the response cookie). A proxy without persistence has
// none and skips all three.
//
// One Persistence serves an upstream and is shared by the locations that
// proxy to it. What differs per location reaches it in Request.Scope;
// per-request memory lives in the Request's slot of the implementation
// (Request.Slot), which the pooled exchange keeps, so implementations must
// be safe for concurrent use and need not allocate.
type Persistence interface {
	// Request decides the Cookie header the upstream receives, before the
	// upstream request is built. It runs once, before Choose.
	Request(r *Request) CookieOut
	// Choose runs once per request, before the balancer; r.Now is set.
	// An error means persistence could not decide: a store that is slow
	// or down. Choose must return it within its own bound (a store's
	// timeout), and it is then Choose's to log, since only the
	// implementation can tell an outage from one slow answer and log it
	// once. The loop balances such a request as a new session: a store
	// failure never fails a request.
	Choose(r *Request) (Choice, error)
	// Respond runs once, on the upstream response that goes to the client,
	// before its header is copied to the client's response: p is the peer
	// that answered. It may edit h (insert or rewrite Set-Cookie, merge
	// Cache-Control: private). It is not called for answers gw makes
	// itself (errors, intercepted statuses).
	Respond(r *Request, p *upstream.Peer, h *resphead.Head)
}

// ErrTimeout is what Choose returns when its store did not answer in time.
var ErrTimeout = errors.New("session store timed out")

// Choice is what Persistence.Choose decided for a request.
type Choice struct {
	// Peer is the peer the client's session is bound to, Available at
	// r.Now (the loop still Acquires it), or nil: the balancer picks a
	// peer for a new session.
	Peer *upstream.Peer
	// Pin keeps every retry of the request on Peer instead of asking the
	// balancer: session_sticky fallback=off would rather try the session's
	// server again than move the session elsewhere. A pinned peer that
	// cannot be acquired (max_conns) ends the request with 502.
	Pin bool
	// Status, when not 0, refuses the request with nothing proxied:
	// session_sticky fallback=off answers 502 to a cookie naming a server
	// that cannot take the request.
	Status int
	// SetCookie, with Status, is a Set-Cookie value the refusal carries:
	// session_sticky clears a cookie naming no server of the upstream, so
	// that the client's next request starts a new session instead of
	// being refused forever. It is valid until the request ends.
	SetCookie []byte
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

// Scope is what a location adds to its upstream's persistence: whether
// requests there are cleaned of what persistence put in the Cookie header
// (session_sticky_header, or session_sticky_hide_cookie), and the
// location's session_sticky_bypass templates.
type Scope struct {
	// Clean: requests here are cleaned of what the upstream's persistence
	// put in the Cookie header.
	Clean bool
	// Bypass are the session_sticky_bypass templates: any value neither
	// empty nor "0" turns persistence off for the request.
	Bypass []*vars.Template
}

// NewScope is the Scope of a location whose session_sticky settings are s,
// for its proxy_pass to the named upstream.
func NewScope(s *stickyconf.Settings, upstream string) Scope {
	return Scope{Clean: s.Cleans(upstream), Bypass: s.Bypass}
}
