package tunnel

import (
	"sync"
	"time"
)

// Tunnels tracks the open tunnels of a gw process: the upgraded
// connections (WebSocket) spliced between a client and a peer after a 101.
// A tunnel outlives the request that opened it, and the runtime that
// served that request, so a stop has to deal with tunnels apart from
// requests: a graceful stop (QUIT) Waits for them up to
// worker_shutdown_timeout and then closes the rest with CloseAll, which a
// fast stop (TERM) calls at once. A reload leaves them alone.
//
// Use NewTunnels; a nil *Tunnels tracks nothing. Tunnels is safe for
// concurrent use.
type Tunnels struct {
	mu   sync.Mutex
	open map[*Tunnel]struct{}
	// ended is closed, and replaced, each time a tunnel ends: Wait's wake-up.
	ended  chan struct{}
	closed bool // CloseAll ran: a tunnel that starts later is closed at once
}

// NewTunnels returns an empty set.
func NewTunnels() *Tunnels {
	return &Tunnels{open: map[*Tunnel]struct{}{}, ended: make(chan struct{})}
}

// Add tracks a tunnel about to start, or aborts it after CloseAll.
func (ts *Tunnels) Add(tn *Tunnel) {
	if ts == nil {
		return
	}
	ts.mu.Lock()
	closed := ts.closed
	if !closed {
		ts.open[tn] = struct{}{}
	}
	ts.mu.Unlock()
	if closed {
		tn.Abort()
	}
}

// Remove forgets a tunnel that has ended.
func (ts *Tunnels) Remove(tn *Tunnel) {
	if ts == nil {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.open[tn]; !ok {
		return
	}
	delete(ts.open, tn)
	close(ts.ended)
	ts.ended = make(chan struct{})
}

// Len returns the number of open tunnels.
func (ts *Tunnels) Len() int {
	if ts == nil {
		return 0
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.open)
}

// Wait waits until no tunnel is open or timeout has passed, and reports
// whether none is open.
func (ts *Tunnels) Wait(timeout time.Duration) bool {
	if ts == nil {
		return true
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		ts.mu.Lock()
		n, ended := len(ts.open), ts.ended
		ts.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-ended:
		case <-timer.C:
			return false
		}
	}
}

// CloseAll closes every open tunnel, both of its connections, and any
// tunnel that starts afterwards; it returns how many were open. The
// tunnels end (and leave the set) as their copies notice, at once.
func (ts *Tunnels) CloseAll() int {
	if ts == nil {
		return 0
	}
	ts.mu.Lock()
	ts.closed = true
	open := make([]*Tunnel, 0, len(ts.open))
	for tn := range ts.open {
		open = append(open, tn)
	}
	ts.mu.Unlock()
	for _, tn := range open {
		tn.Abort()
	}
	return len(open)
}
