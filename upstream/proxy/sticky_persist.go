package proxy

import (
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/parser"
	"github.com/gw-proxy/gw/sticky"
	"github.com/gw-proxy/gw/upstream"
)

// stickyPersistence is session_sticky over one upstream (spec
// session-sticky.md): the sticky package's compiled Policy, whose peer
// indexes are the upstream's (Peers[i].Index() == i), and the upstream,
// which knows whether a peer can take a request. The sticky package decides
// what a cookie says and what the response cookie becomes; this type
// applies it to the retry loop and to fasthttp's headers.
type stickyPersistence struct {
	up       *upstream.Upstream
	pol      *sticky.Policy
	fallback bool // fallback=on
	cleans   bool // option=indirect or mode=prefix: there is something to clean
}

var _ Persistence = (*stickyPersistence)(nil)

// StickyPersistence is the Options.Persistence of session_sticky: nil for
// an upstream without the directive, else its persistence with a sid for
// every peer, backups included (spec §2), computed once here. A sid that
// the cookie cannot carry (hash=plain with an unsuitable id=) is a
// configuration error at the server's line.
func StickyPersistence(up *upstream.Upstream) (Persistence, error) {
	s := up.Conf.Sticky
	if s == nil {
		return nil, nil
	}
	cfg := *s // checked by conf: Compile takes it as it is
	sids := make([]string, len(up.Peers))
	for i, p := range up.Peers {
		sids[i] = sticky.SID(&cfg, p.Addr, p.Server.ID)
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

// Choose routes by the request's sticky cookie (spec §4): a legal cookie
// naming a peer that is available, or drain, binds the request to it and
// leaves the balancer alone; a bypassed request, no cookie, an illegal or
// expired one start a new session; a cookie naming an unknown or
// unavailable server starts a new session with fallback=on and is refused
// with 502 under fallback=off. Under fallback=off the chosen peer is also
// pinned, so a failed try is repeated on it rather than moving the session
// (§4.4).
func (sp *stickyPersistence) Choose(s *PersistRequest) Choice {
	st := &s.sticky
	st.chosen = true
	if sp.bypassed(s) {
		// session_sticky_bypass: routing, the response cookie and the
		// backend's own Set-Cookie are all left alone (§1).
		st.bypassed = true
		st.letter = '-'
		st.setLetters(s.R, sticky.CookieNothing)
		return Choice{}
	}
	now := s.Now
	peers := sp.up.Peers
	c := sp.pol.Read(st.cookieLines(s.Ctx), now.Unix(), func(i int) bool {
		// Availability, not pickability: a drain peer keeps its sessions.
		return peers[i].Available(now)
	})
	st.client, st.letter = c, c.State.Letter()
	st.setLetters(s.R, sticky.CookieNothing)
	switch {
	case c.Sticky():
		return Choice{Peer: peers[c.Peer], Pin: !sp.fallback}
	case c.Fallback() && !sp.fallback:
		return Choice{Status: fasthttp.StatusBadGateway}
	}
	return Choice{}
}

// bypassed evaluates the location's session_sticky_bypass templates: any
// value that is neither empty nor "0" turns persistence off for the
// request, as nginx's proxy_no_cache and HAProxy's ignore-persist do.
func (sp *stickyPersistence) bypassed(s *PersistRequest) bool {
	st := &s.sticky
	for _, t := range s.Scope.Bypass {
		st.buf = t.Append(st.buf[:0], s.R)
		if len(st.buf) > 0 && (len(st.buf) != 1 || st.buf[0] != '0') {
			return true
		}
	}
	return false
}

// Request cleans the Cookie header the backend receives where the location
// switched cleaning on for this upstream (session_sticky_header, §1): the
// sticky pair goes in option=indirect, the "SID~" prefix in mode=prefix,
// and what is left is rebuilt well-formed, or dropped when nothing is
// (§5). Elsewhere the client's Cookie lines pass byte for byte.
func (sp *stickyPersistence) Request(s *PersistRequest) CookieOut {
	if !sp.cleans || !s.Scope.Clean {
		return KeepCookies
	}
	st := &s.sticky
	var act sticky.CleanAction
	st.clean, act = sp.pol.Clean(st.clean[:0], st.cookieLines(s.Ctx))
	switch act {
	case sticky.CleanReplace:
		return CookieOut{Value: st.clean}
	case sticky.CleanRemove:
		return CookieOut{}
	}
	return KeepCookies
}
