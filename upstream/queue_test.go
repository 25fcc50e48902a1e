package upstream

import (
	"sync"
	"testing"
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// queued builds an upstream of one server with max_conns=1 and a queue.
func queued(t *testing.T, size int, timeout time.Duration) *Upstream {
	t.Helper()
	s := srv(0, maxConns(1))
	u, err := NewUpstream(&upstreamconf.Config{Name: "u", Balancer: roundRobin, Servers: []*upstreamconf.Server{s},
		Queue: &upstreamconf.Queue{Size: size, Timeout: timeout}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Waiters are woken in arrival order, one per released slot.
func TestQueueFIFO(t *testing.T) {
	u := queued(t, 10, 5*time.Second)
	p := u.Peers[0]
	if !p.Acquire(t0) || p.Acquire(t0) {
		t.Fatal("max_conns=1 not enforced")
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := u.Wait(); err != nil {
				t.Errorf("waiter %d: %v", i, err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			p.Release() // hand the slot on
		}()
		// Each waiter is queued before the next arrives.
		for u.queue.n.Load() != int32(i+1) {
			time.Sleep(time.Millisecond)
		}
	}
	p.Release()
	wg.Wait()
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Errorf("woken in order %v, want 0 1 2", order)
	}
}

func TestQueueTimeoutAndFull(t *testing.T) {
	u := queued(t, 1, 30*time.Millisecond)
	p := u.Peers[0]
	p.Acquire(t0)
	done := make(chan error)
	go func() { done <- u.Wait() }()
	for u.queue.n.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	if err := u.Wait(); err != ErrQueueFull {
		t.Errorf("second waiter in a queue of 1: %v, want ErrQueueFull", err)
	}
	if err := <-done; err != ErrQueueTimeout {
		t.Errorf("first waiter: %v, want ErrQueueTimeout", err)
	}
	if u.queue.n.Load() != 0 {
		t.Errorf("%d waiters left after the timeout", u.queue.n.Load())
	}
	if !u.AnyFull(t0, &Tried{}) || !p.Usable(t0) || p.Available(t0) {
		t.Error("a full server: AnyFull, Usable, not Available")
	}
}
