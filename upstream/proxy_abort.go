package upstream

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ClientWatcher is a client connection that can tell, while the proxy
// waits for an upstream's answer, that its client has left (cmd/gw's
// client connections implement it).
type ClientWatcher interface {
	// WatchClose blocks until the client closes or resets its connection
	// (true) or stop is closed (false). Nothing else reads the connection
	// meanwhile.
	WatchClose(stop <-chan struct{}) bool
}

// abortWatchDelay is how long an upstream may take to answer before the
// client is watched. A watch costs a goroutine and a few system calls;
// most answers come sooner and need none. nginx notices at once (its event
// loop sees the close); gw notices at most this much later.
const abortWatchDelay = 100 * time.Millisecond

// abortWatch is proxy_ignore_client_abort off for one exchange: while a
// try waits for the upstream, a client that leaves gets the upstream
// request abandoned: its connection is closed, which ends the wait, and
// the access log says 499, as nginx's does. The timer is the exchange's
// for its whole pooled life, reset on every try.
type abortWatch struct {
	timer *time.Timer

	mu      sync.Mutex
	armed   bool
	client  ClientWatcher
	stop    chan struct{} // made when a watch starts
	watched chan struct{} // closed when it ends

	gone atomic.Bool            // the client left
	conn atomic.Pointer[upConn] // the try's upstream connection, closed when it does
}

// arm starts watching c after abortWatchDelay.
func (a *abortWatch) arm(c ClientWatcher) {
	a.mu.Lock()
	a.armed, a.client = true, c
	a.mu.Unlock()
	if a.timer == nil {
		a.timer = time.AfterFunc(abortWatchDelay, a.watch)
		return
	}
	a.timer.Reset(abortWatchDelay)
}

// watch runs on the timer's goroutine: it waits for the client to leave
// or for disarm.
func (a *abortWatch) watch() {
	a.mu.Lock()
	if !a.armed || a.stop != nil {
		a.mu.Unlock()
		return // disarmed meanwhile, or a late timer of an earlier try
	}
	a.stop, a.watched = make(chan struct{}), make(chan struct{})
	c, stop, watched := a.client, a.stop, a.watched
	a.mu.Unlock()
	defer close(watched)
	if c.WatchClose(stop) {
		a.gone.Store(true)
		if uc := a.conn.Load(); uc != nil {
			_ = uc.Close()
		}
	}
}

// use records the connection a try sends on, so that a client leaving
// closes it; if the client has left already, it is closed at once.
func (a *abortWatch) use(conn net.Conn) {
	uc := upConnOf(conn)
	a.conn.Store(uc)
	if uc != nil && a.gone.Load() {
		_ = uc.Close()
	}
}

// disarm ends the watch, waiting for one in progress to let go of the
// client's connection.
func (a *abortWatch) disarm() {
	a.timer.Stop()
	a.mu.Lock()
	a.armed, a.client = false, nil
	stop, watched := a.stop, a.watched
	a.stop, a.watched = nil, nil
	a.mu.Unlock()
	if stop != nil {
		close(stop)
		<-watched
	}
	a.conn.Store(nil)
}

// reset readies the watch for the next request.
func (a *abortWatch) reset() { a.gone.Store(false) }
