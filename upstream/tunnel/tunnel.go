package tunnel

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gw-proxy/gw/upstream/transport"
)

// Tunnel is a handshake's own upstream connection and, once the upstream
// has switched protocols, the splice of it with the client's connection:
// bytes are copied both ways as they come, a clean end of one direction is
// passed on as a half-close (so the other direction can finish, as a
// `docker attach` style stream needs), and the tunnel ends when both
// directions have ended, when either fails, when it has been idle for
// proxy_read_timeout, or when Tunnels closes it.
type Tunnel struct {
	head []byte          // the handshake's request head, then the 101's
	conn net.Conn        // to the peer: an *transport.Conn, or TLS over one
	raw  *transport.Conn // conn's upConn
	br   *bufio.Reader   // reads conn; holds what the peer sent after its 101

	born time.Time
	last atomic.Int64 // when a byte last moved, as time since born
	// toClient counts the bytes written to the client after the 101:
	// they are part of the request's $bytes_sent.
	toClient atomic.Int64

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

func New(head []byte) *Tunnel { return &Tunnel{head: head, born: time.Now()} }

// A pool of upstream readers: a handshake's response head must fit
// (transport.ResponseHeaderMax, as for pooled connections), and the tunnel keeps the
// reader for the bytes that followed it.
var tunnelReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, transport.ResponseHeaderMax) }}

// SetUpstream makes conn the tunnel's upstream connection.
func (tn *Tunnel) SetUpstream(conn net.Conn) {
	br := tunnelReaders.Get().(*bufio.Reader)
	br.Reset(conn)
	tn.mu.Lock()
	tn.conn, tn.raw, tn.br = conn, transport.Underlying(conn), br
	tn.mu.Unlock()
}

// CloseUpstream closes the upstream connection, if any, and forgets it.
func (tn *Tunnel) CloseUpstream() {
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

// Close ends whatever the tunnel still holds; nil-safe, for release.
func (tn *Tunnel) Close() {
	if tn != nil {
		tn.CloseUpstream()
	}
}

// Attach records the client connection, or reports false when the tunnel
// was aborted before it got one.
func (tn *Tunnel) Attach(c net.Conn) bool {
	under := netConnOf(c)
	tn.mu.Lock()
	defer tn.mu.Unlock()
	tn.client, tn.clientNet = c, under
	return !tn.aborted
}

// Abort closes both connections under the copies, which then fail and
// end. It may run from any goroutine, any number of times.
func (tn *Tunnel) Abort() {
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

// Aborted reports whether abort has run.
func (tn *Tunnel) Aborted() bool {
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

// End is how a tunnel ended, for the error log: the first failure
// on either side, unless the idle timer or Tunnels ended it.
type End struct {
	TimedOut bool
	Upstream error // a read from or write to the upstream failed
	Client   error // a read from or write to the client failed
}

// Rules are what a location's tunnels follow.
type Rules struct {
	// Registry tracks the tunnels for a graceful stop; nil tracks none.
	Registry *Tunnels
	// Idle is proxy_read_timeout, which nginx applies to a tunnel as a
	// whole: its timer is re-armed by traffic in either direction, so the
	// tunnel ends after that long without a byte either way.
	Idle time.Duration
	// ClientSend is send_timeout, the longest wait for the client to take
	// a write; proxy_send_timeout bounds writes upstream (transport.Conn).
	ClientSend time.Duration
}

// Head is the handshake's request head, then the 101's: a buffer the
// exchange reuses.
func (tn *Tunnel) Head() []byte { return tn.head }

// SetHead replaces the head buffer.
func (tn *Tunnel) SetHead(b []byte) { tn.head = b }

// Raw is the upstream connection's transport.Conn, nil before one.
func (tn *Tunnel) Raw() *transport.Conn { return tn.raw }

// SentToClient is how many bytes the tunnel wrote to the client.
func (tn *Tunnel) SentToClient() int64 { return tn.toClient.Load() }

// Reader reads the upstream connection; it holds what the peer sent
// after its 101.
func (tn *Tunnel) Reader() *bufio.Reader { return tn.br }

// Run copies both ways until the tunnel ends.
func (tn *Tunnel) Run(rules *Rules) End {
	tn.touch()
	tn.watch(rules.Idle)
	fromClient := make(chan error, 1)
	go func() { fromClient <- tn.pipe(tn.conn, tn.client, 0, true) }()
	down := tn.pipe(tn.client, tn.br, rules.ClientSend, false)
	up := <-fromClient
	tn.mu.Lock()
	timedOut := tn.timedOut
	if tn.timer != nil {
		tn.timer.Stop()
		tn.timer = nil
	}
	tn.mu.Unlock()
	return End{TimedOut: timedOut, Upstream: sideError(up, down, true), Client: sideError(up, down, false)}
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
func (tn *Tunnel) pipe(dst net.Conn, src io.Reader, send time.Duration, toUpstream bool) error {
	bp := transport.CopyBuffer()
	defer transport.PutCopyBuffer(bp)
	buf := *bp
	for {
		n, err := src.Read(buf)
		if n > 0 {
			tn.touch()
			m, werr := transport.WriteWithin(dst, buf[:n], send)
			if !toUpstream {
				tn.toClient.Add(int64(m))
			}
			if werr != nil {
				return tn.fail(werr, toUpstream)
			}
			tn.touch()
		}
		if err == io.EOF {
			if !closeWrite(dst) {
				tn.Abort()
			}
			return nil
		}
		if err != nil {
			return tn.fail(err, !toUpstream)
		}
	}
}

// fail aborts the tunnel after a failed read or write and returns the
// failure, or nil when an earlier abort caused it.
func (tn *Tunnel) fail(err error, upstream bool) error {
	if tn.Aborted() {
		return nil
	}
	tn.Abort()
	return &pipeError{err: err, upstream: upstream}
}

// touch records that a byte moved.
func (tn *Tunnel) touch() { tn.last.Store(int64(time.Since(tn.born))) }

// watch arms the idle timer: the tunnel is aborted once idle has passed
// without a byte moving either way. 0 disables it.
func (tn *Tunnel) watch(idle time.Duration) {
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
func (tn *Tunnel) checkIdle(idle time.Duration) {
	quiet := time.Since(tn.born) - time.Duration(tn.last.Load())
	tn.mu.Lock()
	switch {
	case tn.timer == nil: // the tunnel has ended
	case quiet < idle:
		tn.timer.Reset(idle - quiet)
	default:
		tn.timedOut = !tn.aborted
		tn.mu.Unlock()
		tn.Abort()
		return
	}
	tn.mu.Unlock()
}
