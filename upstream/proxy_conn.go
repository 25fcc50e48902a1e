package upstream

import (
	"context"
	"crypto/tls"
	"net"
	"sync/atomic"
	"time"
)

// upConn is one connection to a peer. It gives proxy_read_timeout and
// proxy_send_timeout nginx's meaning: each is the longest wait between two
// successive reads (writes) on the connection, not a deadline for the
// whole response, so the deadline is pushed forward before every Read and
// Write (lazily, as nginx moves its timers: see clock.go). fasthttp's own
// deadline calls are ignored: gw sets no whole-exchange deadline.
//
// It also lets the proxy find the connection a response came over:
// LocalAddr returns a *connAddr pointing back here, and fasthttp hands that
// address out as Response.LocalAddr. Through it the proxy counts
// keepalive_requests, reports $upstream_connect_time (0 on a reused
// connection, as nginx does) and accounts idle connections for keepalive N.
type upConn struct {
	net.Conn
	read, send time.Duration
	readBy     lazyDeadline // proxy_read_timeout's deadline as last set
	sendBy     lazyDeadline // proxy_send_timeout's deadline as last set
	pool       *hostClient
	addr       connAddr

	dialTime time.Duration // how long connect (and TLS handshake) took
	served   atomic.Int64  // responses whose header was read on it
	idle     atomic.Bool   // parked in the pool by the proxy (keepalive N)
	failedOp atomic.Uint32 // opRead/opWrite: the operation that failed last
	check    idleCheck     // the look before reuse (proxy_idle.go)
}

// The operations of an upConn, for the error-log phase.
const (
	opNone uint32 = iota
	opRead
	opWrite
)

// connAddr is an upConn's local address, carrying the way back to it.
type connAddr struct {
	net.Addr
	conn *upConn
}

// connOf returns the upConn behind an address fasthttp reported, or nil.
func connOf(a net.Addr) *upConn {
	if ca, ok := a.(*connAddr); ok {
		return ca.conn
	}
	return nil
}

// LocalAddr returns the connection's local address with the link back.
func (c *upConn) LocalAddr() net.Addr { return &c.addr }

// Read reads with proxy_read_timeout as the idle limit.
func (c *upConn) Read(p []byte) (int, error) {
	if c.read > 0 {
		if t, ok := c.readBy.due(c.read); ok {
			_ = c.Conn.SetReadDeadline(t)
		}
	}
	n, err := c.Conn.Read(p)
	if err != nil {
		c.failedOp.Store(opRead)
	}
	return n, err
}

// Write writes with proxy_send_timeout as the idle limit. The first write
// after the connection sat in the pool takes it out of the idle count.
func (c *upConn) Write(p []byte) (int, error) {
	c.unpark()
	if c.send > 0 {
		if t, ok := c.sendBy.due(c.send); ok {
			_ = c.Conn.SetWriteDeadline(t)
		}
	}
	n, err := c.Conn.Write(p)
	if err != nil {
		c.failedOp.Store(opWrite)
	}
	return n, err
}

// Close closes the connection, leaving the idle count if it was parked.
func (c *upConn) Close() error {
	c.unpark()
	return c.Conn.Close()
}

// SetDeadline, SetReadDeadline and SetWriteDeadline ignore fasthttp's
// deadlines: Read and Write set the idle ones.
func (c *upConn) SetDeadline(time.Time) error      { return nil }
func (c *upConn) SetReadDeadline(time.Time) error  { return nil }
func (c *upConn) SetWriteDeadline(time.Time) error { return nil }

// park counts the connection as idle in its pool.
func (c *upConn) park() {
	if c.idle.CompareAndSwap(false, true) {
		c.pool.idle.Add(1)
	}
}

func (c *upConn) unpark() {
	if c.idle.Load() && c.idle.CompareAndSwap(true, false) {
		c.pool.idle.Add(-1)
	}
}

// dialError is a failure to establish a connection: nginx's "connect()
// failed" or a connect timeout, before any byte of the request was sent.
type dialError struct {
	err       error
	handshake bool // the TLS handshake failed, not the TCP connect
}

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// dial connects to the pool's peer within proxy_connect_timeout, which in
// nginx also bounds the TLS handshake, and wraps the connection.
func (h *hostClient) dial(addr string) (net.Conn, error) {
	k := &h.key
	start := time.Now()
	ctx := context.Background()
	if k.connect > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, k.connect)
		defer cancel()
	}
	// No TCP keep-alive probes, as nginx's proxy_socket_keepalive off
	// (Go's dialer would set four socket options on each connection).
	d := net.Dialer{KeepAlive: -1}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &dialError{err: err}
	}
	c := &upConn{Conn: raw, read: k.read, send: k.send, pool: h}
	c.addr = connAddr{Addr: raw.LocalAddr(), conn: c}
	if !k.tls {
		c.dialTime = time.Since(start)
		return c, nil
	}
	tc := tls.Client(c, h.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, &dialError{err: err, handshake: true}
	}
	c.dialTime = time.Since(start)
	return tc, nil
}
