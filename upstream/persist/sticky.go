package persist

import (
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/parser"
	"github.com/gw-proxy/gw/sticky"
	"github.com/gw-proxy/gw/upstream"
)

// stickyPersistence is session_sticky over one upstream: the sticky
// package's compiled Policy, whose peer indexes are the upstream's
// (Peers[i].Index() == i), and the upstream, which knows whether a peer
// can take a request. The sticky package decides what a cookie says and
// what the response cookie becomes; this type applies it to the retry loop
// and to fasthttp's headers.
type stickyPersistence struct {
	up       *upstream.Upstream
	pol      *sticky.Policy
	fallback bool // fallback=on
	cleans   bool // option=indirect or mode=prefix: there is something to clean
}

var _ Persistence = (*stickyPersistence)(nil)

// Sticky is the persistence of session_sticky: nil for an upstream without
// the directive, else its persistence with a sid for every peer, backups
// included (a backup that takes a session keeps it when the primaries come
// back), computed once here. A sid that the cookie cannot carry
// (hash=plain with an unsuitable id=) is a configuration error at the
// server's line.
func Sticky(up *upstream.Upstream) (Persistence, error) {
	s := up.Conf.Sticky
	if s == nil {
		return nil, nil
	}
	cfg := *s // checked by conf: Compile takes it as it is
	sids := make([]string, len(up.Peers))
	for i, p := range up.Peers {
		sids[i] = sticky.SID(&cfg, p.Addr, p.Server.ID)
		if cfg.RouteValues && p.Server.Route != "" {
			sids[i] = p.Server.Route // sticky cookie: nginx Plus's value
		}
	}
	pol, err := sticky.Compile(cfg, sids)
	if err != nil {
		var se *sticky.SIDError
		if errors.As(err, &se) && se.Peer >= 0 && se.Peer < len(up.Peers) {
			return nil, parser.Errorf(up.Peers[se.Peer].Server.Pos,
				"session_sticky cannot use %q as the cookie value of server %q: %s", se.SID, up.Peers[se.Peer].Server.Name, se.Reason)
		}
		return nil, parser.Errorf(s.Pos, "session_sticky: %v", err)
	}
	return &stickyPersistence{up: up, pol: pol, fallback: cfg.Fallback, cleans: pol.CleansRequest()}, nil
}

// Choose routes by the request's sticky cookie. A legal cookie naming a
// peer that is available, or drain, binds the request to it and leaves the
// balancer alone: drain only stops new sessions. A bypassed request, no
// cookie, an illegal or expired one start a new session. A cookie naming
// an unknown or unavailable server starts a new session with fallback=on
// and is refused with 502 under fallback=off, whose point is that a
// session never silently moves (see refuse). For the same reason the chosen peer is
// pinned under fallback=off: a failed try is repeated on it rather than
// moving the session. Choose never fails: the cookie carries everything.
func (sp *stickyPersistence) Choose(r *Request) (Choice, error) {
	st := stickyOf(r)
	st.chosen = true
	if sp.bypassed(r, st) {
		// session_sticky_bypass: routing, the response cookie and the
		// backend's own Set-Cookie are all left alone.
		st.bypassed = true
		st.letter = '-'
		st.setLetters(r.R, sticky.CookieNothing)
		return Choice{}, nil
	}
	now := r.Now
	peers := sp.up.Peers
	queued := sp.up.Queued()
	c := sp.pol.Read(st.cookieLines(r.Ctx), now.Unix(), func(i int) bool {
		// Availability, not pickability: a drain peer keeps its sessions.
		// With a queue, a server that is merely full keeps them too: the
		// visitor waits for a slot there instead of losing its session.
		if queued {
			return peers[i].Usable(now)
		}
		return peers[i].Available(now)
	})
	st.client, st.letter = c, c.State.Letter()
	st.setLetters(r.R, sticky.CookieNothing)
	switch {
	case c.Sticky():
		peers[c.Peer].State().CountReturning()
		return Choice{Peer: peers[c.Peer], Pin: !sp.fallback}, nil
	case c.Fallback() && !sp.fallback:
		return sp.refuse(st, c), nil
	}
	return Choice{}, nil
}

// refuse is fallback=off's 502 for a cookie naming a server that cannot
// take the request. [gw] A cookie naming no server of the upstream
// (garbage, a server since removed) is cleared as well: Tengine sends it
// back untouched and the visitor is refused until the cookie expires,
// whereas no server can ever come back for it. A cookie naming a known
// server keeps its value, as that server may recover.
func (sp *stickyPersistence) refuse(st *stickyState, c sticky.Client) Choice {
	ch := Choice{Status: fasthttp.StatusBadGateway}
	if c.Unknown {
		st.buf = sp.pol.AppendClearCookie(st.buf[:0])
		ch.SetCookie = st.buf
	}
	return ch
}

// bypassed evaluates the location's session_sticky_bypass templates: any
// value that is neither empty nor "0" turns persistence off for the
// request, as nginx's proxy_no_cache and HAProxy's ignore-persist do.
func (sp *stickyPersistence) bypassed(r *Request, st *stickyState) bool {
	for _, t := range r.Scope.Bypass {
		st.buf = t.Append(st.buf[:0], r.R)
		if len(st.buf) > 0 && (len(st.buf) != 1 || st.buf[0] != '0') {
			return true
		}
	}
	return false
}

// Request cleans the Cookie header the backend receives where the location
// switched cleaning on for this upstream (session_sticky_header): the
// sticky pair goes in option=indirect, the "SID~" prefix in mode=prefix,
// so the application sees its cookies as it set them, and what is left is
// rebuilt well-formed, or dropped when nothing is. Elsewhere the client's
// Cookie lines pass byte for byte.
func (sp *stickyPersistence) Request(r *Request) CookieOut {
	if !sp.cleans || !r.Scope.Clean {
		return KeepCookies
	}
	st := stickyOf(r)
	var act sticky.CleanAction
	st.clean, act = sp.pol.Clean(st.clean[:0], st.cookieLines(r.Ctx))
	switch act {
	case sticky.CleanReplace:
		return CookieOut{Value: st.clean}
	case sticky.CleanRemove:
		return CookieOut{}
	}
	return KeepCookies
}
