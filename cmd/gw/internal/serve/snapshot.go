package serve

import (
	"sort"
	"time"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/snap"
)

// Snapshot and its parts are snap's: plain data the pages and the metrics
// read without importing serve.
type (
	Snapshot            = snap.Snapshot
	ListenerSnapshot    = snap.ListenerSnapshot
	ServerBlockSnapshot = snap.ServerBlockSnapshot
	RequestCounts       = snap.RequestCounts
)

// Snapshot returns the state of the configuration served.
func (g *Server) Snapshot() Snapshot {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := Snapshot{
		Version: Version, StartedAt: g.startedAt, ReloadedAt: g.reloadedAt,
		Reloads: g.reloads, FailedReloads: g.failedReloads,
		Connections: g.conns.Len(), Accepted: g.conns.Accepted(), Requests: g.requests.read(),
	}
	s.Reading, s.Writing, s.Waiting, s.Parked = g.conns.States()
	for addr, l := range g.listeners {
		ls := ListenerSnapshot{Addr: addr, RequestCounts: l.stats.read()}
		if l.edge != nil {
			cs := l.edge.Stats()
			ls.Accepted, ls.Active = cs.Accepted, cs.Active
		}
		s.Listeners = append(s.Listeners, ls)
	}
	sort.Slice(s.Listeners, func(i, j int) bool { return s.Listeners[i].Addr < s.Listeners[j].Addr })
	rt := g.rt
	if rt == nil {
		return s
	}
	s.Generation, s.ConfigFile = rt.gen, g.opts.File
	if rt.cfg.HTTP != nil {
		for _, srv := range rt.cfg.HTTP.Servers {
			b := ServerBlockSnapshot{}
			if len(srv.Names) > 0 {
				b.Name = srv.Names[0].Name
			}
			for _, l := range srv.Listens {
				b.Listen = append(b.Listen, l.Addr.String())
			}
			if st := rt.blocks[srv]; st != nil {
				b.RequestCounts = st.read()
			}
			s.ServerBlocks = append(s.ServerBlocks, b)
		}
	}
	now := time.Now()
	for _, u := range rt.upstream.Upstreams() {
		us := u.Snapshot(now)
		us.Learned = g.learned(u)
		s.Upstreams = append(s.Upstreams, us)
	}
	return s
}
