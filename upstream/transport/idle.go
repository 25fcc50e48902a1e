package transport

import (
	"errors"
	"net"
	"syscall"
)

// A connection parked in the pool may receive bytes while it waits: the
// rest of a body longer than its Content-Length, a body sent after a 204,
// a whole response sent on purpose. If gw sent its next request on that
// connection, those bytes would be read as the answer to it, and the real
// answer as the answer to the request after. nginx (its keepalive module's
// close handler) and HAProxy close an idle connection as soon as anything
// arrives on it. Go cannot watch idle sockets without a goroutine and a
// pending read for each, so gw looks when it takes a connection from the
// pool: one recv(MSG_PEEK|MSG_DONTWAIT), which returns at once. That is a
// system call per reused connection; skipping it for connections idle
// only briefly would leave exactly the fast reuse unguarded. Bytes that
// were already in gw's buffer when a response ended cost no system call:
// sendAndReadHeader and upBody.release close the connection for them.
//
// Bytes that arrive after the look and before the upstream reads the
// request cannot be told from its answer: nginx has the same window.
// Over TLS the look sees records, and an idle connection that got any is
// closed, as nginx does; records crypto/tls has already read into its own
// buffer are not seen.

// idleCheck is an Conn's state for the look before reuse.
type idleCheck struct {
	taken  bool            // the connection was handed out before
	raw    syscall.RawConn // the socket, once looked at
	peekFn func(fd uintptr)
	buf    [1]byte
	quiet  bool // the last look found nothing to read and no close
}

// reusable reports whether conn, just handed out by the pool (or just
// dialled), may carry a request: it is new, or nothing arrived on it while
// it was idle and the upstream did not close it.
func reusable(conn net.Conn) bool {
	c := ConnOf(conn.LocalAddr())
	if c == nil {
		return true
	}
	// A connection has one user at a time, handed over under the pool's
	// lock: taken needs no atomic.
	if !c.check.taken {
		c.check.taken = true
		return true
	}
	return c.quiet()
}

// errNotSocket: WaitReadable was given a connection that is no socket.
var errNotSocket = errors.New("not a socket")
