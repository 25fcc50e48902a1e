package upstream

import (
	"net"
	"os"
	"syscall"
)

// Sending a request and then reading the reply costs Go one read syscall
// more than an event loop: a net.Conn Read first tries the read, which fails
// with EAGAIN because the upstream has not answered yet, and only then
// waits for the poller. nginx and HAProxy wait first and read once. On the
// bench scenarios that EAGAIN read was one of gw's six syscalls per request.
//
// writeAwaitingReply does what the event loops do, with the one tool Go
// offers for it, syscall.RawConn.Read: the callback writes the request and
// declines to read, so the runtime parks the goroutine until the socket is
// readable, and the Read that follows finds the reply there. The order
// matters: RawConn.Read forgets earlier readiness before it calls the
// callback, and the write happens after that, so the reply's readiness
// cannot be lost. A write the socket cannot take at once (EAGAIN) finishes
// the ordinary way, without the wait.

// writeAwaitingReply writes p, the last bytes of a request, and returns
// once a reply can be read (or the read deadline passed, or the connection
// failed: the Read that follows reports those).
func (c *upConn) writeAwaitingReply(p []byte) (int, error) {
	if c.read > 0 {
		if t, ok := c.readBy.due(c.read); ok {
			_ = c.Conn.SetReadDeadline(t)
		}
	}
	c.await = awaitState{p: p}
	_ = c.rc.Read(c.awaitFn)
	n, werr, wrote := c.await.n, c.await.err, c.await.wrote
	c.await = awaitState{}
	if !wrote {
		// The connection failed before the callback ran (closed, or a
		// deadline already passed): let the ordinary write report it.
		return c.writeFrom(p, 0)
	}
	// The wait's own error (deadline, closed connection) is left for the
	// Read that follows, which meets it again and reports it as a read.
	if werr == syscall.EAGAIN {
		werr = nil // the socket buffer is full: send the rest as usual
	}
	if werr != nil {
		c.failedOp.Store(opWrite)
		return n, &net.OpError{Op: "write", Net: "tcp", Source: c.Conn.LocalAddr(),
			Addr: c.Conn.RemoteAddr(), Err: os.NewSyscallError("write", werr)}
	}
	if n < len(p) {
		return c.writeFrom(p, n)
	}
	return n, nil
}

// writeFrom writes p[n:] the ordinary way, under proxy_send_timeout, and
// returns n plus what it wrote.
func (c *upConn) writeFrom(p []byte, n int) (int, error) {
	if c.send > 0 {
		if t, ok := c.sendBy.due(c.send); ok {
			_ = c.Conn.SetWriteDeadline(t)
		}
	}
	m, err := c.Conn.Write(p[n:])
	if err != nil {
		c.failedOp.Store(opWrite)
	}
	return n + m, err
}

// awaitState is writeAwaitingReply's state, kept in the upConn so that the
// callback handed to RawConn.Read is made once per connection (c.awaitFn),
// not once per request.
type awaitState struct {
	p     []byte
	n     int
	err   error
	wrote bool
}

// awaitCallback is RawConn.Read's callback for writeAwaitingReply: on the
// first call it writes the request and declines to read; on the next (the
// socket is readable) it lets RawConn.Read return.
func (c *upConn) awaitCallback(fd uintptr) bool {
	a := &c.await
	if a.wrote {
		return true
	}
	a.wrote = true
	for a.n < len(a.p) {
		m, err := syscall.Write(int(fd), a.p[a.n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			a.err = err
			return true
		}
		a.n += m
	}
	return false
}
