package transport

import (
	"context"
	"crypto/tls"
	"net"
	"sync/atomic"
	"time"
)

// Conn is one connection to a peer. It gives proxy_read_timeout and
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
type Conn struct {
	net.Conn
	read, send time.Duration
	readBy     lazyDeadline // proxy_read_timeout's deadline as last set
	sendBy     lazyDeadline // proxy_send_timeout's deadline as last set
	pool       *Client
	addr       connAddr

	dialTime time.Duration // how long connect (and TLS handshake) took
	served   atomic.Int64  // responses whose header was read on it
	idle     atomic.Bool   // parked in the pool by the proxy (keepalive N)
	failedOp atomic.Uint32 // opRead/opWrite: the operation that failed last
	// sent and received count the bytes of the request that uses the
	// connection now, for $upstream_bytes_sent and _received: they start
	// again when a parked connection is taken for another request.
	sent, received atomic.Int64
	check          idleCheck // the look before reuse (idle.go)
}

// The operations of an Conn, for the error-log phase.
const (
	opNone uint32 = iota
	opRead
	opWrite
)

// connAddr is an Conn's local address, carrying the way back to it.
type connAddr struct {
	net.Addr
	conn *Conn
}

// ConnOf returns the Conn behind an address fasthttp reported, or nil.
func ConnOf(a net.Addr) *Conn {
	if ca, ok := a.(*connAddr); ok {
		return ca.conn
	}
	return nil
}

// LocalAddr returns the connection's local address with the link back.
func (c *Conn) LocalAddr() net.Addr { return &c.addr }

// Read reads with proxy_read_timeout as the idle limit.
func (c *Conn) Read(p []byte) (int, error) {
	if c.read > 0 {
		if t, ok := c.readBy.due(c.read); ok {
			_ = c.Conn.SetReadDeadline(t)
		}
	}
	n, err := c.Conn.Read(p)
	c.received.Add(int64(n))
	if err != nil {
		c.failedOp.Store(opRead)
	}
	return n, err
}

// Write writes with proxy_send_timeout as the idle limit. The first write
// after the connection sat in the pool takes it out of the idle count.
func (c *Conn) Write(p []byte) (int, error) {
	if c.unpark() {
		c.sent.Store(0)
		c.received.Store(0)
	}
	if c.send > 0 {
		if t, ok := c.sendBy.due(c.send); ok {
			_ = c.Conn.SetWriteDeadline(t)
		}
	}
	n, err := c.Conn.Write(p)
	c.sent.Add(int64(n))
	if err != nil {
		c.failedOp.Store(opWrite)
	}
	return n, err
}

// Close closes the connection, leaving the idle count if it was parked.
func (c *Conn) Close() error {
	c.unpark()
	return c.Conn.Close()
}

// SetDeadline, SetReadDeadline and SetWriteDeadline ignore fasthttp's
// deadlines: Read and Write set the idle ones.
func (c *Conn) SetDeadline(time.Time) error      { return nil }
func (c *Conn) SetReadDeadline(time.Time) error  { return nil }
func (c *Conn) SetWriteDeadline(time.Time) error { return nil }

// park counts the connection as idle in its pool.
func (c *Conn) park() {
	if c.idle.CompareAndSwap(false, true) {
		c.pool.idle.Add(1)
	}
}

// unpark takes the connection out of its pool's idle count and reports
// whether it was parked.
func (c *Conn) unpark() bool {
	if c.idle.Load() && c.idle.CompareAndSwap(true, false) {
		c.pool.idle.Add(-1)
		return true
	}
	return false
}

// DialError is a failure to establish a connection: nginx's "connect()
// failed" or a connect timeout, before any byte of the request was sent.
type DialError struct {
	Err       error
	Handshake bool // the TLS handshake failed, not the TCP connect
}

// Error returns the dial's error text.
func (e *DialError) Error() string { return e.Err.Error() }

// Unwrap returns the dial's error.
func (e *DialError) Unwrap() error { return e.Err }

// dial connects to the pool's peer within proxy_connect_timeout, which in
// nginx also bounds the TLS handshake, and wraps the connection.
func (h *Client) dial(addr string) (net.Conn, error) {
	k := &h.key
	start := time.Now()
	ctx := context.Background()
	if k.Connect > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, k.Connect)
		defer cancel()
	}
	// No TCP keep-alive probes, as nginx's proxy_socket_keepalive off
	// (Go's dialer would set four socket options on each connection).
	d := net.Dialer{KeepAlive: -1}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &DialError{Err: err}
	}
	c := &Conn{Conn: raw, read: k.Read, send: k.Send, pool: h}
	c.addr = connAddr{Addr: raw.LocalAddr(), conn: c}
	if !k.TLS {
		c.dialTime = time.Since(start)
		return c, nil
	}
	tc := tls.Client(c, h.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, &DialError{Err: err, Handshake: true}
	}
	c.dialTime = time.Since(start)
	return tc, nil
}

// Traffic returns the bytes written to and read from the connection by
// the request using it: since it was dialled, or last taken from idle.
func (c *Conn) Traffic() (sent, received int64) {
	return c.sent.Load(), c.received.Load()
}

// Served returns how many responses' headers were read on c.
func (c *Conn) Served() int64 { return c.served.Load() }

// CountServed counts one more response read on c and returns the count.
func (c *Conn) CountServed() int64 { return c.served.Add(1) }

// DialTime is how long connecting (and the TLS handshake) took:
// $upstream_connect_time of the connection's first request.
func (c *Conn) DialTime() time.Duration { return c.dialTime }

// FailedWrite reports whether the operation that failed last on c was a
// write: the request was being sent, not the response read.
func (c *Conn) FailedWrite() bool { return c.failedOp.Load() == opWrite }

// PoolIdle returns how many connections c's pool holds idle (keepalive N
// bounds it).
func (c *Conn) PoolIdle() int64 { return c.pool.idle.Load() }

// Park counts c as idle in its pool; the pool's next user unparks it.
func (c *Conn) Park() { c.park() }

// StopReadTimeout ends proxy_read_timeout's per-read deadline on c, for a
// caller that bounds reads itself (a WebSocket tunnel's idle timer). The
// deadline already set stays until the caller replaces it.
func (c *Conn) StopReadTimeout() {
	c.read = 0
	c.readBy.clear()
}

// Dial connects to the pool's peer as the pool does, for a connection
// that never returns to it (an Upgrade handshake's).
func (h *Client) Dial(addr string) (net.Conn, error) { return h.dial(addr) }

// NetConn returns the network connection under c: closing it interrupts
// c's reads and writes without a TLS close_notify that could block.
func (c *Conn) NetConn() net.Conn { return c.Conn }

// Underlying returns the Conn under a connection the pool's dialer
// returned (TLS wraps it), or nil.
func Underlying(c net.Conn) *Conn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	uc, _ := c.(*Conn)
	return uc
}

// WriteWithin writes p to c within timeout, when it is set, as
// send_timeout bounds a write to a client: for a connection fasthttp no
// longer manages (hijacked) and that has no idle deadline of its own (a
// Conn applies proxy_send_timeout itself).
func WriteWithin(c net.Conn, p []byte, timeout time.Duration) (int, error) {
	if timeout > 0 {
		_ = c.SetWriteDeadline(time.Now().Add(timeout))
	}
	return c.Write(p)
}
