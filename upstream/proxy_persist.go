package upstream

import (
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

// Persistence is the session-persistence hook of the retry loop, where
// session_sticky plugs in (issue 4: the sticky package, wired by an
// implementation of this interface). DESIGN's "one request" puts it at two
// points: "sticky reads the cookie -> peer, else balancer picks" before the
// first pick, and "sticky writes the response cookie" once the response
// that goes to the client is known. A Proxy without persistence has a nil
// Persistence and skips both.
//
// Implementations are shared by every request of a location and must be
// safe for concurrent use; per-request state belongs in vars.Request
// (StickyCookie, StickyStatus).
type Persistence interface {
	// Choose runs once per request, before the balancer. It returns the
	// peer the client's session is bound to (it must be Available at now;
	// the loop still Acquires it), or nil to let the balancer pick a peer
	// for a new session. A non-zero status refuses the request instead,
	// as session_sticky fallback=off does with 502.
	Choose(r *vars.Request, now time.Time) (p *Peer, status int)
	// Request may edit the header sent upstream, after gw has built it
	// (session_sticky_hide_cookie removes the session cookie from the
	// Cookie lines). It runs once, before the first try.
	Request(r *vars.Request, out *fasthttp.RequestHeader)
	// Respond runs once, on the upstream response that goes to the client,
	// before its header is copied to the client's response: p is the peer
	// that answered. It may edit h (insert or rewrite Set-Cookie, merge
	// Cache-Control: private).
	Respond(r *vars.Request, p *Peer, h *fasthttp.ResponseHeader)
}
