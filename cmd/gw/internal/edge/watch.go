package edge

import (
	"errors"
	"syscall"
	"time"

	"github.com/gw-proxy/gw/upstream/transport"
)

// While the proxy waits for an upstream's answer, a client that leaves
// must be noticed, as nginx notices it (proxy_ignore_client_abort off):
// the upstream request is abandoned and the access log says 499. Most
// answers come within a few milliseconds, so a wait costs two atomic
// operations (AwaitUpstream, UpstreamDone) and nothing else; one
// goroutine per gw (Table.watchAwaiting) looks every half
// clientWatchDelay for waits older than clientWatchDelay, and only those
// get a watch of their own (WatchClose). nginx notices at once; gw at most
// about clientWatchDelay after the client leaves.

// clientWatchDelay is how long a wait goes unwatched.
const clientWatchDelay = 100 * time.Millisecond

// watching is awaitState's value while a watch runs.
const watching = -1

// AbortTarget is what AwaitUpstream tells that the client left: the
// proxy's try. It is the same type as upstream/proxy's AbortTarget (both
// alias one unnamed interface), so Conn is a proxy.ClientWatcher while edge
// does not import the proxy, and the proxy's tests can serve through
// edge's fasthttp hooks without an import cycle. serve checks that Conn
// still is one.
type AbortTarget = interface{ ClientGone() }

// AwaitUpstream starts a wait for an upstream: t is told if the client
// leaves before UpstreamDone. It runs on the serving goroutine.
func (c *Conn) AwaitUpstream(t AbortTarget) {
	c.abortTarget = t // published by the store below
	c.awaitState.Store(transport.CoarseNow().UnixNano())
	c.table.wakeWatcher()
}

// UpstreamDone ends the wait, stopping a watch in progress and waiting
// until it has let go of the connection.
func (c *Conn) UpstreamDone() {
	if c.awaitState.Swap(0) == watching {
		close(c.watchStop)
		<-c.watchDone
	}
}

// startWatch gives a wait that began at since, if it still goes on, a
// watch of its own. It runs on the table's watcher goroutine.
func (c *Conn) startWatch(since int64) {
	// The channels are set before the state says "watching": UpstreamDone
	// reads them only after seeing it.
	stop, done := make(chan struct{}), make(chan struct{})
	c.watchStop, c.watchDone = stop, done
	if !c.awaitState.CompareAndSwap(since, watching) {
		return // the answer came meanwhile
	}
	t := c.abortTarget
	go func() {
		defer close(done)
		if c.WatchClose(stop) {
			t.ClientGone()
		}
	}()
}

// WatchClose blocks until the client closes or resets its connection, or
// until stop is closed; it reports whether the client left. startWatch
// calls it for a wait that has gone on for clientWatchDelay, while
// nothing else reads the connection.
//
// It peeks (MSG_PEEK) at the TCP connection when it becomes readable: no
// byte is consumed, so data the client sent meanwhile (a pipelined
// request, a TLS alert) stays for whoever reads next, and proves the
// client is still there. A half-close counts as leaving, as it does for
// nginx.
func (c *Conn) WatchClose(stop <-chan struct{}) bool {
	sc, ok := c.raw.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	// A close of stop interrupts the wait with a past read deadline.
	done := make(chan struct{})
	interrupted := make(chan bool, 1)
	go func() {
		select {
		case <-stop:
			_ = c.raw.SetReadDeadline(time.Unix(1, 0))
			interrupted <- true
		case <-done:
			interrupted <- false
		}
	}()
	left := false
	var buf [1]byte
	_ = rc.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case errors.Is(rerr, syscall.EAGAIN), errors.Is(rerr, syscall.EINTR):
			return false // nothing yet: wait until readable
		case rerr != nil:
			left = true // reset
		case n == 0:
			left = true // closed (or half-closed)
		}
		return true
	})
	close(done)
	if <-interrupted {
		// The past deadline must not outlive the watch: the next read
		// sets the deadline of its phase again.
		_ = c.raw.SetReadDeadline(time.Time{})
		c.readBy.Clear()
	}
	return left
}
