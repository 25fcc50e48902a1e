package upstream

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentWRRKeepsExactShares: smooth WRR rounds are atomic under the
// lock, so 7,000 picks from many goroutines split exactly 5000/1000/1000,
// whatever the interleaving; a broken lock loses or repeats rounds.
func TestConcurrentWRRKeepsExactShares(t *testing.T) {
	u := build(t, roundRobin, nil, servers(5, 1, 1)...)
	const workers, each = 8, 875
	var got [3]atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var tried Tried
			for range each {
				tried.Reset()
				got[u.Pick(t0, Key{}, &tried).Index()].Add(1)
			}
		})
	}
	wg.Wait()
	if got[0].Load() != 5000 || got[1].Load() != 1000 || got[2].Load() != 1000 {
		t.Errorf("shares = %d/%d/%d, want 5000/1000/1000", got[0].Load(), got[1].Load(), got[2].Load())
	}
}

// TestConcurrentRequests runs whole requests against every balancer from
// many goroutines: pick, acquire, fail or succeed, release, retry. Under
// -race it checks the shared state; in any build it checks that max_conns
// is never exceeded and that every connection is released.
func TestConcurrentRequests(t *testing.T) {
	for _, c := range balancerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			for _, p := range c.u.Peers {
				p.maxConns = 3
			}
			var over atomic.Int64
			var wg sync.WaitGroup
			for w := range 2 * runtime.GOMAXPROCS(0) {
				wg.Go(func() { runRequests(c.u, c.key, w, 300, &over) })
			}
			wg.Wait()
			if n := over.Load(); n != 0 {
				t.Errorf("max_conns exceeded %d times", n)
			}
			for _, p := range c.u.Peers {
				if n := p.State().Conns(); n != 0 {
					t.Errorf("peer %s left with %d connections", p.Addr, n)
				}
			}
		})
	}
}

// runRequests plays n requests of worker w; every seventh attempt fails.
func runRequests(u *Upstream, key Key, w, n int, over *atomic.Int64) {
	var tried Tried
	for i := range n {
		tried.Reset()
		now := t0.Add(time.Duration(i) * time.Second)
		for attempt := 0; attempt < 3; attempt++ {
			p := u.Pick(now, key, &tried)
			if p == nil {
				u.Revive()
				break
			}
			if !p.Acquire(now) {
				continue
			}
			if p.State().Conns() > p.maxConns {
				over.Add(1)
			}
			failed := (w+i+attempt)%7 == 0
			if failed {
				p.Failure(now)
			} else {
				p.Success()
			}
			p.Release()
			if !failed {
				break
			}
		}
	}
}

// TestConcurrentReload builds new runtimes on the store while requests run
// through the old ones, as a reload does.
func TestConcurrentReload(t *testing.T) {
	store := NewStateStore()
	var cur atomic.Pointer[Upstream]
	cur.Store(build(t, leastConnB, store, servers(1, 2, 3)...))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var over atomic.Int64
	for w := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					runRequests(cur.Load(), Key{}, w, 20, &over)
				}
			}
		})
	}
	for i := range 50 {
		u := build(t, leastConnB, store, servers(1, 2, 3, i%3+1)...)
		cur.Store(u)
		store.Retain(u)
	}
	close(stop)
	wg.Wait()
	for _, p := range cur.Load().Peers {
		if n := p.State().Conns(); n != 0 {
			t.Errorf("peer %s left with %d connections", p.Addr, n)
		}
	}
	if n := store.Len(); n != 4 {
		t.Errorf("store holds %d servers, want 4", n)
	}
}
