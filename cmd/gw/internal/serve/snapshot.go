package serve

import (
	"sort"
	"time"

	"github.com/gw-proxy/gw/upstream"
)

// Snapshot is what a Server serves at one moment, as plain data: what a
// status page, metrics or a runtime API read (Server.Snapshot).
type Snapshot struct {
	Generation    uint64 // 1 at start, one more per successful reload
	ConfigFile    string
	Reloads       int // successful reloads
	FailedReloads int // reloads refused, the running configuration kept
	Listeners     []string
	Connections   int // client connections open
	Upstreams     []upstream.UpstreamSnapshot
}

// Snapshot returns the state of the configuration served.
func (g *Server) Snapshot() Snapshot {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := Snapshot{Reloads: g.reloads, FailedReloads: g.failedReloads, Connections: g.conns.Len()}
	for addr := range g.listeners {
		s.Listeners = append(s.Listeners, addr)
	}
	sort.Strings(s.Listeners)
	rt := g.rt
	if rt == nil {
		return s
	}
	s.Generation, s.ConfigFile = rt.gen, g.opts.File
	now := time.Now()
	for _, u := range rt.upstream.Upstreams() {
		s.Upstreams = append(s.Upstreams, u.Snapshot(now))
	}
	return s
}
