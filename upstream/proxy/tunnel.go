package proxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
)

// tunnel is a handshake's own upstream connection and, once the upstream
// has switched protocols, the splice of it with the client's connection:
// bytes are copied both ways as they come, a clean end of one direction is
// passed on as a half-close (so the other direction can finish, as a
// `docker attach` style stream needs), and the tunnel ends when both
// directions have ended, when either fails, when it has been idle for
// proxy_read_timeout, or when Tunnels closes it.
type tunnel struct {
	head []byte          // the handshake's request head, then the 101's
	conn net.Conn        // to the peer: an *transport.Conn, or TLS over one
	raw  *transport.Conn // conn's upConn
	br   *bufio.Reader   // reads conn; holds what the peer sent after its 101

	born time.Time
	last atomic.Int64 // when a byte last moved, as time since born

	mu     sync.Mutex
	client net.Conn // the hijacked client connection, once spliced
	// clientNet is the network connection under client, taken while the
	// hijack handler runs: fasthttp recycles its hijack wrapper once the
	// handler returns, so abort must not unwrap it then.
	clientNet net.Conn
	aborted   bool // abort ran: the connections are closed
	timedOut  bool // the idle timer aborted the tunnel
	timer     *time.Timer
}

func newTunnel(head []byte) *tunnel { return &tunnel{head: head, born: time.Now()} }

// A pool of upstream readers: a handshake's response head must fit
// (transport.ResponseHeaderMax, as for pooled connections), and the tunnel keeps the
// reader for the bytes that followed it.
var tunnelReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, transport.ResponseHeaderMax) }}

// setUpstream makes conn the tunnel's upstream connection.
func (tn *tunnel) setUpstream(conn net.Conn) {
	br := tunnelReaders.Get().(*bufio.Reader)
	br.Reset(conn)
	tn.mu.Lock()
	tn.conn, tn.raw, tn.br = conn, transport.Underlying(conn), br
	tn.mu.Unlock()
}

// closeUpstream closes the upstream connection, if any, and forgets it.
func (tn *tunnel) closeUpstream() {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	if tn.conn == nil {
		return
	}
	// The TCP connection itself: a TLS close_notify could wait on a peer
	// that no longer reads.
	_ = tn.raw.Conn.Close()
	tn.br.Reset(nil)
	tunnelReaders.Put(tn.br)
	tn.conn, tn.raw, tn.br = nil, nil, nil
}

// close ends whatever the tunnel still holds; nil-safe, for release.
func (tn *tunnel) close() {
	if tn != nil {
		tn.closeUpstream()
	}
}

// attach records the client connection, or reports false when the tunnel
// was aborted before it got one.
func (tn *tunnel) attach(c net.Conn) bool {
	under := netConnOf(c)
	tn.mu.Lock()
	defer tn.mu.Unlock()
	tn.client, tn.clientNet = c, under
	return !tn.aborted
}

// abort closes both connections under the copies, which then fail and
// end. It may run from any goroutine, any number of times.
func (tn *tunnel) abort() {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	tn.aborted = true
	if tn.raw != nil {
		_ = tn.raw.Conn.Close()
	}
	if tn.clientNet != nil {
		_ = tn.clientNet.Close()
	}
}

// isAborted reports whether abort has run.
func (tn *tunnel) isAborted() bool {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	return tn.aborted
}

// netConnOf is the network connection under a hijacked client connection
// or an upstream one, below any TLS and any of gw's wrappers (which offer
// NetConn, as tls.Conn does): closing it cannot block.
func netConnOf(c net.Conn) net.Conn {
	if hc, ok := c.(interface{ UnsafeConn() net.Conn }); ok {
		c = hc.UnsafeConn()
	}
	for {
		nc, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		c = nc.NetConn()
	}
}

// closeWrite half-closes c: a TLS close_notify, or a TCP FIN. It reports
// false when c cannot be half-closed.
func closeWrite(c net.Conn) bool {
	if hc, ok := c.(interface{ UnsafeConn() net.Conn }); ok {
		c = hc.UnsafeConn()
	}
	if uc, ok := c.(*transport.Conn); ok {
		c = uc.Conn
	}
	cw, ok := c.(interface{ CloseWrite() error })
	return ok && cw.CloseWrite() == nil
}

// tunnelEnd is how a tunnel ended, for the error log: the first failure
// on either side, unless the idle timer or Tunnels ended it.
type tunnelEnd struct {
	timedOut bool
	upstream error // a read from or write to the upstream failed
	client   error // a read from or write to the client failed
}

// splice is the hijack handler of a tunnel: it writes the 101 to the
// client, copies both ways until the tunnel ends, then ends the exchange.
// fasthttp keeps ctx until splice returns and closes c after.
func (x *exchange) splice(c net.Conn) {
	tn, rules := x.tun, &x.p.tunnel
	defer x.release()
	defer rules.reg.remove(tn)
	if !tn.attach(c) {
		return // Tunnels closed it before it started
	}
	h := &x.ctx.Response.Header
	if h.ConnectionClose() {
		// fasthttp marks the response of a connection it would close
		// after it; this one carries the new protocol instead.
		h.ResetConnectionClose()
		h.AddBytesKV(strConnection, strUpgradeToken)
	}
	tn.head = h.AppendBytes(tn.head[:0])
	if err := writeWithin(c, tn.head, rules.clientSend); err != nil {
		x.logTunnelEnd(tunnelEnd{client: err})
		return
	}
	// From now on the idle timer, not a per-read deadline, bounds reads
	// from the upstream: nginx re-arms proxy_read_timeout on traffic in
	// either direction. Nothing else reads the connection yet.
	tn.raw.StopReadTimeout()
	_ = tn.raw.Conn.SetReadDeadline(time.Time{})
	x.logTunnelEnd(tn.run(rules))
}

// run copies both ways until the tunnel ends.
func (tn *tunnel) run(rules *tunnelRules) tunnelEnd {
	tn.touch()
	tn.watch(rules.idle)
	fromClient := make(chan error, 1)
	go func() { fromClient <- tn.pipe(tn.conn, tn.client, 0, true) }()
	down := tn.pipe(tn.client, tn.br, rules.clientSend, false)
	up := <-fromClient
	tn.mu.Lock()
	timedOut := tn.timedOut
	if tn.timer != nil {
		tn.timer.Stop()
		tn.timer = nil
	}
	tn.mu.Unlock()
	return tunnelEnd{timedOut: timedOut, upstream: sideError(up, down, true), client: sideError(up, down, false)}
}

// pipeError is a failed copy: which side failed, and how.
type pipeError struct {
	err      error
	upstream bool
}

func (e *pipeError) Error() string { return e.err.Error() }
func (e *pipeError) Unwrap() error { return e.err }

// sideError picks the failure of one side among the two directions'.
func sideError(up, down error, upstream bool) error {
	for _, err := range []error{up, down} {
		var pe *pipeError
		if errors.As(err, &pe) && pe.upstream == upstream {
			return pe.err
		}
	}
	return nil
}

// pipe copies src to dst until src ends. toUpstream says which way it
// copies; send, when set, bounds each write to dst. A clean end is passed
// on as a half-close of dst (or, when dst cannot be half-closed, ends the
// tunnel, as nginx ends it); a failure aborts the tunnel and is returned
// as a *pipeError, unless the tunnel was aborted already, since the copies
// then fail because of it.
func (tn *tunnel) pipe(dst net.Conn, src io.Reader, send time.Duration, toUpstream bool) error {
	bp := copyBufPool.Get().(*[]byte)
	defer copyBufPool.Put(bp)
	buf := *bp
	for {
		n, err := src.Read(buf)
		if n > 0 {
			tn.touch()
			if werr := writeWithin(dst, buf[:n], send); werr != nil {
				return tn.fail(werr, toUpstream)
			}
			tn.touch()
		}
		if err == io.EOF {
			if !closeWrite(dst) {
				tn.abort()
			}
			return nil
		}
		if err != nil {
			return tn.fail(err, !toUpstream)
		}
	}
}

// writeWithin writes p to c, within send when it is set: the hijacked
// client connection has no deadline left from fasthttp, and an upConn
// applies proxy_send_timeout itself.
func writeWithin(c net.Conn, p []byte, send time.Duration) error {
	if send > 0 {
		_ = c.SetWriteDeadline(time.Now().Add(send))
	}
	_, err := c.Write(p)
	return err
}

// fail aborts the tunnel after a failed read or write and returns the
// failure, or nil when an earlier abort caused it.
func (tn *tunnel) fail(err error, upstream bool) error {
	if tn.isAborted() {
		return nil
	}
	tn.abort()
	return &pipeError{err: err, upstream: upstream}
}

// touch records that a byte moved.
func (tn *tunnel) touch() { tn.last.Store(int64(time.Since(tn.born))) }

// watch arms the idle timer: the tunnel is aborted once idle has passed
// without a byte moving either way. 0 disables it.
func (tn *tunnel) watch(idle time.Duration) {
	if idle <= 0 {
		return
	}
	tn.mu.Lock()
	defer tn.mu.Unlock()
	tn.timer = time.AfterFunc(idle, func() { tn.checkIdle(idle) })
}

// checkIdle runs when the idle timer fires: it aborts a tunnel that was
// quiet for idle and re-arms the timer for the rest otherwise. One timer
// per tunnel, re-armed at most once per idle period, costs less than a
// deadline pushed on every read.
func (tn *tunnel) checkIdle(idle time.Duration) {
	quiet := time.Since(tn.born) - time.Duration(tn.last.Load())
	tn.mu.Lock()
	switch {
	case tn.timer == nil: // the tunnel has ended
	case quiet < idle:
		tn.timer.Reset(idle - quiet)
	default:
		tn.timedOut = !tn.aborted
		tn.mu.Unlock()
		tn.abort()
		return
	}
	tn.mu.Unlock()
}

// phaseTunnel is nginx's phase for errors on an upgraded connection.
const phaseTunnel = "proxying upgraded connection"

// logTunnelEnd logs why a tunnel ended, in nginx's words: an idle timeout
// and upstream failures at error level, the client's at info.
func (x *exchange) logTunnelEnd(end tunnelEnd) {
	switch {
	case end.timedOut:
		f := failure{msg: upstream.ErrTimeout.Error(), errno: syscall.ETIMEDOUT, phase: phaseTunnel}
		logFailure(&x.p.log, &f, &x.lc)
	case end.upstream != nil:
		f := classify(end.upstream, x.tun.raw)
		f.phase = phaseTunnel
		logFailure(&x.p.log, &f, &x.lc)
	case end.client != nil:
		logLine(x.p.log.Info(), "client closed connection ("+end.client.Error()+") while "+phaseTunnel, &x.lc)
	}
}
