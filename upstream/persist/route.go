package persist

import (
	"crypto/md5"
	"encoding/hex"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/resphead"
)

// routePersistence is nginx Plus's sticky route: the first non-empty
// value of the configured variables names the server, by its route=
// (or, for a server without one, the MD5 of its address, as nginx Plus
// names it). A request naming no server, or one that is unavailable, is
// balanced as a new session. gw writes no cookie for it: the application
// (or a map) puts the route where the variables find it.
type routePersistence struct {
	up     *upstream.Upstream
	vars   []*vars.Template
	routes map[string]int // route -> peer index
}

var _ Persistence = (*routePersistence)(nil)

type routeState struct{ buf []byte }

func (s *routeState) Reset() { s.buf = s.buf[:0] }

var routeKind = NewKind()

func newRoute(up *upstream.Upstream) *routePersistence {
	rp := &routePersistence{up: up, vars: up.Conf.Route.Vars, routes: map[string]int{}}
	for i, p := range up.Peers {
		route := p.Server.Route
		if route == "" {
			sum := md5.Sum([]byte(p.Addr))
			route = hex.EncodeToString(sum[:])
		}
		if _, dup := rp.routes[route]; !dup {
			rp.routes[route] = i // the first server of a route takes it
		}
	}
	return rp
}

// Request passes the client's cookies as they are.
func (rp *routePersistence) Request(*Request) CookieOut { return CookieOut{Keep: true} }

// Choose routes by the first non-empty value.
func (rp *routePersistence) Choose(r *Request) (Choice, error) {
	st := r.Slot(routeKind, func() Slot { return &routeState{} }).(*routeState)
	for _, t := range rp.vars {
		st.buf = t.Append(st.buf[:0], r.R)
		if len(st.buf) == 0 {
			continue
		}
		i, ok := rp.routes[string(st.buf)]
		if !ok {
			return Choice{}, nil
		}
		p := rp.up.Peers[i]
		if !p.Available(r.Now) {
			return Choice{}, nil
		}
		p.State().CountReturning()
		return Choice{Peer: p}, nil
	}
	return Choice{}, nil
}

// Respond does nothing: the route travels in the application's data.
func (rp *routePersistence) Respond(*Request, *upstream.Peer, *resphead.Head) {}
