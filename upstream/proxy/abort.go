package proxy

import (
	"net"
	"sync/atomic"

	"github.com/gw-proxy/gw/upstream/transport"
)

// ClientWatcher is a client connection that can tell, while the proxy
// waits for an upstream's answer, that its client has left (cmd/gw's
// client connections implement it). Nothing else reads the connection
// between AwaitUpstream and UpstreamDone.
type ClientWatcher interface {
	// AwaitUpstream starts a wait: if the client closes or resets its
	// connection before UpstreamDone, t.ClientGone is called, from
	// another goroutine.
	AwaitUpstream(t AbortTarget)
	// UpstreamDone ends the wait; once it returns, ClientGone is not
	// called for it.
	UpstreamDone()
}

// AbortTarget is told that the client of a try has left. It is an alias
// of an unnamed interface type, not a type of proxy's own, so that a
// client connection can implement ClientWatcher without importing proxy:
// cmd/gw's edge.Conn does (edge.AbortTarget is the same type), so the
// proxy's tests can serve through edge's fasthttp hooks without an import
// cycle.
type AbortTarget = interface{ ClientGone() }

// abortWatch is proxy_ignore_client_abort off for one exchange: a client
// that leaves while a try waits for the upstream gets the upstream request
// abandoned: its connection is closed, which ends the wait, nothing counts
// against the peer, and the access log says 499, as nginx's does.
type abortWatch struct {
	gone atomic.Bool                    // the client left
	conn atomic.Pointer[transport.Conn] // the try's upstream connection, closed when it does
}

var _ AbortTarget = (*abortWatch)(nil)

// ClientGone closes the try's upstream connection, if it has one yet.
func (a *abortWatch) ClientGone() {
	a.gone.Store(true)
	if uc := a.conn.Load(); uc != nil {
		_ = uc.Close()
	}
}

// Use records the connection a try sends on, so that a client leaving
// closes it; if the client has left already, it is closed at once.
func (a *abortWatch) Use(conn net.Conn) {
	uc := transport.Underlying(conn)
	a.conn.Store(uc)
	if uc != nil && a.gone.Load() {
		_ = uc.Close()
	}
}

// reset readies the watch for the next try.
func (a *abortWatch) reset() {
	a.gone.Store(false)
	a.conn.Store(nil)
}
