package serve

import (
	"sort"
	"time"
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
	Upstreams     []UpstreamSnapshot
}

// UpstreamSnapshot is one upstream of the configuration served (an
// upstream block, or the implicit one of a proxy_pass to a host).
type UpstreamSnapshot struct {
	Name  string
	Peers []PeerSnapshot
}

// PeerSnapshot is one server address of an upstream: its configuration and
// what gw knows of it now.
type PeerSnapshot struct {
	Addr      string
	Weight    int
	Backup    bool
	Down      bool // configured down
	Drain     bool
	Available bool  // may take a request now (not down, failed or full)
	Active    int64 // requests in flight
	Fails     int64 // passive-health failures since the last success
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
		us := UpstreamSnapshot{Name: u.Conf.Name}
		for _, p := range u.Peers {
			us.Peers = append(us.Peers, PeerSnapshot{
				Addr: p.Addr, Weight: p.Weight(), Backup: p.Backup(), Down: p.Down(), Drain: p.Drain(),
				Available: p.Available(now), Active: p.State().Conns(), Fails: p.State().Fails(),
			})
		}
		s.Upstreams = append(s.Upstreams, us)
	}
	return s
}
