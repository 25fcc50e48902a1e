package upstream

import "time"

// PeerSnapshot is one server address of an upstream at one instant: its
// configuration, the operator's overrides and what gw knows of it. It is
// plain data, for a status page, metrics or a runtime API.
type PeerSnapshot struct {
	Index  int    // position in the upstream (Peer.Index)
	Key    string // its key: id=, else the address, "#2"... for a repeat (key.go)
	Name   string // the server as written (a host name may give several peers)
	Addr   string // "ip:port"
	ID     string // the server's id= parameter, if any
	Backup bool

	Weight         int   // in effect
	ConfigWeight   int   // as configured
	Admin          Admin // the operator's override, AdminConfig if none
	WeightOverride int   // the operator's weight, 0 if none (PeerState.SetWeight)
	Down           bool  // in effect: configured down, or maint
	Drain          bool  // in effect: configured drain, or drain override
	Failed         bool  // out for passive health: max_fails within fail_timeout
	Available      bool  // may take a request now (not down, down by check, failed or full)
	MaxConns       int   // 0: unlimited

	Health Health // what active health checks found, if any run

	Active   int64  // requests in flight
	Fails    int64  // passive-health failures since the last recovery
	Requests uint64 // requests sent, since the server entered the configuration
	Failures uint64 // failed attempts, likewise
	Sessions uint64 // sessions started on it, likewise

	Responses     [5]uint64 // responses received, by status class 1xx to 5xx
	Retries       uint64    // tries that retried a request another try failed
	BytesSent     uint64    // request body bytes sent to the server
	BytesReceived uint64    // response body bytes received from it
	Returning     uint64    // sticky visitors their cookie brought back
	Moved         uint64    // sticky visitors moved here from a server that could not take them
	Latency       LatencySnapshot
}

// Snapshot returns the state of p at now.
func (p *Peer) Snapshot(now time.Time) PeerSnapshot {
	s := p.state
	down, drain := p.admin()
	t := now.UnixNano()
	snap := PeerSnapshot{
		Index: p.index, Name: p.Server.Name, Addr: p.Addr, ID: p.Server.ID, Backup: p.backup,
		Weight: int(p.weightNow()), ConfigWeight: int(p.weight), Admin: s.Admin(), WeightOverride: s.WeightOverride(),
		Down: down, Drain: drain, Failed: p.failed(t), Available: p.available(t),
		MaxConns: int(p.maxConns), Health: s.Health(),
		Active: s.Conns(), Fails: s.Fails(),
		Requests: s.Requests(), Failures: s.Failures(), Sessions: s.Sessions(),
		Retries: s.traffic.retries.Load(), BytesSent: s.traffic.sent.Load(), BytesReceived: s.traffic.received.Load(),
		Returning: s.traffic.returning.Load(), Moved: s.traffic.moved.Load(),
		Latency: s.traffic.latency.snapshot(t),
	}
	for i := range snap.Responses {
		snap.Responses[i] = s.traffic.responses[i].Load()
	}
	return snap
}

// UpstreamSnapshot is an upstream at one instant.
type UpstreamSnapshot struct {
	Name  string
	Peers []PeerSnapshot // in configuration order
	// Learned is the sticky learn zone's state, nil without one (filled
	// by the runtime, which holds the zones).
	Learned *LearnedSnapshot
}

// LearnedSnapshot is the state of an upstream's learned sessions.
type LearnedSnapshot struct {
	Zone     string
	Sessions int    // held now
	Capacity int    // the most the zone holds
	Evicted  uint64 // forgotten to make room
	Expired  uint64 // forgotten after timeout
	// Store is sticky_store's URL, "" without one; StoreUp whether Redis
	// answers; StoreDropped the writes a full queue refused; StoreFailures
	// the Redis calls that failed.
	Store                       string
	StoreUp                     bool
	StoreDropped, StoreFailures uint64
}

// Snapshot returns the state of every peer of up at now.
func (up *Upstream) Snapshot(now time.Time) UpstreamSnapshot {
	s := UpstreamSnapshot{Name: up.Conf.Name, Peers: make([]PeerSnapshot, len(up.Peers))}
	for i, p := range up.Peers {
		s.Peers[i] = p.Snapshot(now)
		s.Peers[i].Key = up.keys[i]
	}
	return s
}

// Each calls fn for every server the store remembers, in no particular
// order, with the upstream name (lowered) and address that key it. fn
// must not call the store.
func (s *StateStore) Each(fn func(upstream, addr string, st *PeerState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.states {
		fn(k.upstream, k.addr, st)
	}
}
