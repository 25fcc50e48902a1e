package upstream

import (
	"strings"
	"sync"
	"sync/atomic"
)

// PeerState is the mutable, shared part of a peer: what gw has learnt about
// one server of one upstream. It is kept apart from the configuration (Peer)
// so that a reload which keeps the server keeps its state: a peer that
// failed stays failed for the rest of its fail_timeout, and connections
// still open through the old runtime are still counted.
//
// Every field is an atomic: the hot path reads them from many goroutines
// without a lock. The fields mirror nginx's ngx_http_upstream_rr_peer_t
// (conns, fails, accessed, checked, effective_weight); updates of two fields
// are not atomic together, which at worst loses one failure or one reset in
// a race, as nginx without a shared-memory zone may.
type PeerState struct {
	conns    atomic.Int64 // requests in flight (Acquire/Release)
	fails    atomic.Int64 // failures since the last reset (Failure/Success)
	accessed atomic.Int64 // Unix ns of the last failure (nginx's accessed)
	checked  atomic.Int64 // Unix ns of the last failure or probe (nginx's checked)

	// deficit is weight - effective_weight of nginx's smooth WRR: raised by
	// failures, lowered by one per pick. Storing the deficit rather than the
	// effective weight makes the zero value right without knowing the
	// weight, and keeps a reload that changes the weight consistent.
	deficit atomic.Int64

	// admin and weight are the operator's run-time overrides (Admin,
	// SetWeight); their zero values defer to the configuration. They live
	// here, not on Peer, so that they outlive the reloads that keep the
	// server, as HAProxy's server-state file makes its overrides do.
	admin  atomic.Uint32 // an Admin
	weight atomic.Int64  // 0: the configured weight

	// Counters since the server entered the configuration, for the status
	// page and metrics: they too survive reloads that keep the server.
	requests atomic.Uint64 // requests sent (successful Acquires)
	failures atomic.Uint64 // failed attempts (Failure)
	sessions atomic.Uint64 // sessions started here (CountSession)

	// health is the verdict of active health checks (health.go).
	health healthState

	// traffic is what the server answered (traffic.go).
	traffic traffic

	// tasks are the background tasks bound to this server (Task): they
	// run while the server stays in the configuration.
	tasks peerTasks
}

// Conns returns the number of requests in flight to the peer.
func (s *PeerState) Conns() int64 { return s.conns.Load() }

// Fails returns the passive-health failures counted since the last reset.
func (s *PeerState) Fails() int64 { return s.fails.Load() }

// Requests returns the number of requests sent to the server.
func (s *PeerState) Requests() uint64 { return s.requests.Load() }

// Failures returns the number of failed attempts on the server, every one
// counted (Fails is the passive-health count, reset on recovery).
func (s *PeerState) Failures() uint64 { return s.failures.Load() }

// Sessions returns the number of sessions started on the server.
func (s *PeerState) Sessions() uint64 { return s.sessions.Load() }

// CountSession counts a session bound to the server: session persistence
// calls it when it gives a new visitor (no cookie, or one naming a server
// that cannot take it) a cookie naming this server.
func (s *PeerState) CountSession() { s.sessions.Add(1) }

// stateKey identifies a server across reloads: its upstream, its address
// and, among the servers of the upstream with that address, its rank (0
// for the first). nginx compares upstream names case-insensitively, so the
// name is lowered.
type stateKey struct {
	upstream, addr string
	nth            int
}

// StateStore holds the PeerState of every server of every upstream, keyed by
// upstream name, address and rank among the upstream's servers of that
// address, for the life of the process. Each reload
// builds its Upstreams against the same store; Retain then forgets the
// servers the new configuration dropped. It is safe for concurrent use; it
// is only consulted while a runtime is built, never per request.
type StateStore struct {
	mu     sync.Mutex
	states map[stateKey]*PeerState
}

// NewStateStore returns an empty store.
func NewStateStore() *StateStore {
	return &StateStore{states: make(map[stateKey]*PeerState)}
}

// State returns the state of server addr ("ip:port") in upstream name,
// creating it on first use; nth is the server's rank among the upstream's
// servers with that address, 0 for the first. Two lines with one address
// are two servers to nginx, each with its own failures (the second is
// tried when the first fails), so each has its own state; a reload that
// keeps both lines keeps both states.
func (s *StateStore) State(name, addr string, nth int) *PeerState {
	k := stateKey{strings.ToLower(name), addr, nth}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.states[k]
	if st == nil {
		st = new(PeerState)
		s.states[k] = st
	}
	return st
}

// Retain forgets the state of every server that none of live uses, so that
// servers removed by a reload do not accumulate. Runtimes still draining
// keep the states they hold; they are simply no longer shared.
func (s *StateStore) Retain(live ...*Upstream) {
	keep := make(map[*PeerState]bool)
	for _, u := range live {
		for _, p := range u.Peers {
			keep[p.state] = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.states {
		if !keep[st] {
			delete(s.states, k)
			st.tasks.stop()
		}
	}
}

// Close stops the background tasks of every server, for shutdown.
func (s *StateStore) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.states {
		st.tasks.stop()
	}
}

// Len returns the number of servers the store remembers.
func (s *StateStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.states)
}
