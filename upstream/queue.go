package upstream

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// A queue holds the requests that found every server they may use full
// (max_conns) until one frees a slot, in arrival order: nginx Plus's
// `queue`, HAProxy's server queues. Without it a full server sends a
// sticky visitor elsewhere, losing its session on the parallel requests
// every browser makes; with it the visitor waits its turn.

// The outcomes of waiting that end a request, which the proxy answers with
// 503 as HAProxy does when its queue times out.
var (
	ErrQueueFull    = errors.New("upstream queue is full")
	ErrQueueTimeout = errors.New("upstream queue timed out")
)

// waitQueue is one upstream's queue.
type waitQueue struct {
	size    int
	timeout time.Duration

	mu      sync.Mutex
	waiters []chan struct{} // FIFO; each has room for one wake-up
	n       atomic.Int32    // len(waiters), read without the lock by Release
}

// Queued reports whether the upstream has a queue.
func (up *Upstream) Queued() bool { return up.queue != nil }

// Wait blocks until a server of the upstream frees a slot (Release), the
// queue's timeout passes, or the queue is full; the caller then picks or
// acquires again. Arrival order is kept: each release wakes the request
// that has waited longest.
func (up *Upstream) Wait() error {
	q := up.queue
	if q == nil {
		return ErrQueueFull
	}
	q.mu.Lock()
	if len(q.waiters) >= q.size {
		q.mu.Unlock()
		return ErrQueueFull
	}
	ch := make(chan struct{}, 1)
	q.waiters = append(q.waiters, ch)
	q.n.Store(int32(len(q.waiters)))
	q.mu.Unlock()

	t := time.NewTimer(q.timeout)
	defer t.Stop()
	select {
	case <-ch:
		return nil
	case <-t.C:
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, w := range q.waiters {
		if w == ch {
			q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
			q.n.Store(int32(len(q.waiters)))
			return ErrQueueTimeout
		}
	}
	// Woken as the timer fired: take the slot rather than lose it.
	return nil
}

// wake lets the longest-waiting request try again; a no-op without
// waiters, so a Release without a queue costs one atomic load.
func (q *waitQueue) wake() {
	if q.n.Load() == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiters) == 0 {
		return
	}
	ch := q.waiters[0]
	q.waiters = q.waiters[1:]
	q.n.Store(int32(len(q.waiters)))
	ch <- struct{}{}
}

// Usable reports whether the peer could take a request at now but for
// max_conns: not down, not failed, not held down by checks. With a queue,
// a sticky visitor whose server is merely full waits for it.
func (p *Peer) Usable(now time.Time) bool {
	down, _ := p.admin()
	return !down && p.healthy(now.UnixNano())
}

// AnyFull reports whether a server the balancer could pick for a new
// session, and not yet tried, is full: then waiting may help.
func (up *Upstream) AnyFull(now time.Time, tried *Tried) bool {
	for _, p := range up.Peers {
		if tried.Has(p.index) || !p.full() {
			continue
		}
		if _, drain := p.admin(); !drain && p.Usable(now) {
			return true
		}
	}
	return false
}
