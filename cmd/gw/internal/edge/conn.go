package edge

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/transport"
)

// Conn is one client connection as fasthttp serves it. It gives the
// connection nginx's timeouts, which fasthttp does not have:
//   - client_header_timeout bounds the header only, and keepalive_timeout
//     the wait for the next request: the table's reaper (Table.reap)
//     enforces both, so that no request pays for fasthttp's per-request
//     read deadlines;
//   - client_body_timeout and send_timeout are the longest pause between
//     two successive reads or writes, not a deadline for the whole body or
//     response, so a slow but steady upload or download completes;
//   - a connection that sent nothing and times out is closed without an
//     answer, as nginx does.
//
// It also lets bare-LF header blocks through (headerScan), tells the
// connection table whether the connection is idle, and keeps the TCP
// connection under TLS for the proxy's client-abort watch and for closing.
//
// Read and Write run on fasthttp's serving goroutine, except after a
// hijack (a WebSocket tunnel), when the connection passes everything
// through untouched.
//
// fasthttp no longer sees a *tls.Conn: its RequestCtx.IsTLS answers false
// and it leaves the handshake to the first read (under
// client_header_timeout). gw takes the scheme from the listener
// ($scheme, $https) and never asks fasthttp.
type Conn struct {
	net.Conn          // what fasthttp reads and writes: TCP, or TLS over it
	raw      net.Conn // the TCP connection
	table    *Table
	slot     int       // index in table.conns, under table.mu
	listener *Listener // the listener that accepted it; nil in tests

	// id and requests are $connection and $connection_requests: the
	// connection's, not fasthttp's, which start again when a parked
	// connection is served anew (park.go). requests is owned by the
	// serving goroutine.
	id       uint64
	requests uint64

	// Parking (park.go): parkable is fixed at accept; park is a parkState.
	parkable bool
	park     atomic.Int32
	parkMu   sync.Mutex // orders the reaper's request to park and its cancel
	// doomed: closeParked ran before the connection was registered in the
	// poller; the registration is then refused (park_linux.go, under
	// parkPoller.mu).
	doomed bool

	state     atomic.Int32 // a fasthttp.ConnState
	idleSince atomic.Int64 // unix nanoseconds the connection last went idle
	hijacked  atomic.Bool  // handed to a hijack handler: pass everything through
	closed    atomic.Bool
	reclaimed atomic.Bool // closed by the table to make room
	handling  atomic.Bool // a request's header is read and it is being served

	// The listener's client_header_timeout and keepalive_timeout, fixed
	// at accept: the reaper reads them.
	headerTimeout, keepaliveTimeout time.Duration
	// headerSince is when the current request's first byte arrived (unix
	// nanoseconds, coarse), 0 before; headerDone tells that its header
	// block has been read. The reaper reads both.
	headerSince atomic.Int64
	headerDone  atomic.Bool

	// Owned by the serving goroutine.
	bodyTimeout, sendTimeout time.Duration
	readBy, sendBy           transport.IdleDeadline
	inBody                   bool // reads are a request body's: client_body_timeout
	got                      bool // a byte of the current request has arrived

	// Header scanning, while the connection is known to be at a request
	// boundary (clean): nothing of a later request has been read ahead.
	scanning    bool
	clean       bool
	scan        headerScan
	afterHeader int64 // bytes read after the current header block
	expectBody  int64 // the request's body length as fasthttp framed it; -1 unknown
	pending     []byte
	fixBuf      []byte

	// The client-abort watch (watch.go): awaitState is 0, the
	// coarse time a wait for an upstream began, or watching.
	awaitState           atomic.Int64
	abortTarget          AbortTarget
	watchStop, watchDone chan struct{}
}

// newConn wraps an accepted connection with the timeouts of the
// listener's default server until a request's location says otherwise.
func newConn(c net.Conn, t *Table, to Timeouts) *Conn {
	cc := &Conn{Conn: c, raw: c, table: t, bodyTimeout: to.Body, sendTimeout: to.Send,
		headerTimeout: to.Header, keepaliveTimeout: to.Keepalive,
		scanning: true, clean: true, expectBody: -1, id: connIDs.Add(1)}
	if nc, ok := c.(interface{ NetConn() net.Conn }); ok {
		cc.raw = nc.NetConn()
	}
	cc.parkable = canPark(c)
	cc.idleSince.Store(time.Now().UnixNano())
	return cc
}

// Read reads with the timeout of the request's phase and lets bare-LF
// header lines through as CRLF.
func (c *Conn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	if c.hijacked.Load() {
		return c.Conn.Read(p)
	}
	if c.scanning && c.scan.bad {
		return 0, errBareCR
	}
	if c.inBody && c.bodyTimeout > 0 {
		if t, ok := c.readBy.Due(c.bodyTimeout); ok {
			_ = c.Conn.SetReadDeadline(t)
		}
	}
	n, err := c.Conn.Read(p)
	if c.park.Load() != parkNone {
		park, retry := c.parkedBy(n, err)
		if park {
			return 0, io.EOF // fasthttp lets go of the connection (park.go)
		}
		if retry {
			n, err = c.Conn.Read(p)
		}
	}
	if n > 0 {
		if !c.got {
			// client_header_timeout counts from here (Table.reap).
			c.headerSince.Store(transport.CoarseNow().UnixNano())
		}
		c.got = true
		switch {
		case c.scanning:
			n = c.scanHeader(p, n)
		case c.clean:
			c.afterHeader += int64(n)
		}
	} else if err != nil && !c.got && transport.IsTimeout(err) {
		// Nothing of a request arrived: close quietly, as nginx closes
		// a connection that sent nothing (fasthttp would answer 408).
		return 0, io.EOF
	}
	return n, err
}

// scanHeader follows the header block in the n bytes just read into p.
// When the block ends there, the body's timeout starts. Bare LFs in the
// block become CRLFs; what no longer fits in p waits in pending.
func (c *Conn) scanHeader(p []byte, n int) int {
	cr := c.scan.cr
	end, bare := c.scan.scan(p[:n])
	hdr := n
	if end >= 0 {
		hdr = end
		c.scanning = false
		c.afterHeader = int64(n - end)
		c.startBody()
	}
	if !bare {
		return n
	}
	c.fixBuf = transport.AppendCRLF(c.fixBuf[:0], p[:hdr], cr)
	c.fixBuf = append(c.fixBuf, p[hdr:n]...)
	m := copy(p, c.fixBuf)
	c.pending = c.fixBuf[m:]
	return m
}

// startBody makes the following reads a body's: each waits at most
// client_body_timeout.
func (c *Conn) startBody() {
	if !c.inBody {
		c.inBody = true
		c.headerDone.Store(true)
		c.readBy.Clear()
	}
}

// Request is called by the handler of each request with its location's
// timeouts (client_body_timeout, send_timeout) and keepalive_requests,
// and the body length fasthttp framed (-1 chunked, -2 none). It reports
// whether the request is the last keepalive_requests allows on the
// connection: its response then closes it. gw counts, not fasthttp
// (whose count starts again when a parked connection is served anew).
func (c *Conn) Request(bodyLen int, bodyTimeout, sendTimeout time.Duration, keepaliveRequests int) (last bool) {
	c.requests++
	c.serving(true)
	c.bodyTimeout, c.sendTimeout = bodyTimeout, sendTimeout
	switch {
	case bodyLen >= 0:
		c.expectBody = int64(bodyLen)
	case bodyLen == -2:
		c.expectBody = 0
	default:
		c.expectBody = -1 // chunked: where it ends is fasthttp's to know
	}
	c.startBody()
	return keepaliveRequests > 0 && c.requests >= uint64(keepaliveRequests)
}

// Numbers returns $connection and $connection_requests.
func (c *Conn) Numbers() (id, requests uint64) { return c.id, c.requests }

// connIDs numbers the connections ($connection).
var connIDs atomic.Uint64

// Write writes with send_timeout as the longest wait for the client to
// take data.
func (c *Conn) Write(p []byte) (int, error) {
	if !c.hijacked.Load() && c.sendTimeout > 0 {
		if t, ok := c.sendBy.Due(c.sendTimeout); ok {
			_ = c.Conn.SetWriteDeadline(t)
		}
	}
	return c.Conn.Write(p)
}

// SetReadDeadline takes a deadline fasthttp sets (a handler's, or its
// ReadTimeout where a server has one) as it is.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.readBy.Clear()
	return c.Conn.SetReadDeadline(t)
}

// expired reports whether, at now (unix nanoseconds), the connection has
// waited longer than its timeout allows: a new connection with nothing
// received past client_header_timeout, a keep-alive one past
// keepalive_timeout, a request whose header is still arriving past
// client_header_timeout since its first byte. Called by the reaper.
func (c *Conn) expired(now int64) bool {
	switch fasthttp.ConnState(c.state.Load()) {
	case fasthttp.StateNew:
		return c.headerTimeout > 0 && now-c.idleSince.Load() > int64(c.headerTimeout)
	case fasthttp.StateIdle:
		return c.keepaliveTimeout > 0 && now-c.idleSince.Load() > int64(c.keepaliveTimeout)
	case fasthttp.StateActive:
		since := c.headerSince.Load()
		return since != 0 && !c.headerDone.Load() && !c.handling.Load() && c.headerTimeout > 0 &&
			now-since > int64(c.headerTimeout)
	}
	return false
}

// expire ends the wait of a connection the reaper found expired, the way
// a deadline would: the read it blocks in fails with a timeout, so a
// connection that sent nothing closes quietly and a half-read header is
// answered 408, as with fasthttp's own deadlines.
func (c *Conn) expire() {
	if c.park.Load() == parked {
		c.closeParked()
		return
	}
	_ = c.Conn.SetReadDeadline(expiredDeadline)
}

// expiredDeadline is a deadline long past.
var expiredDeadline = time.Unix(1, 0)

// SetWriteDeadline ignores fasthttp's deadline for a whole response: Write
// applies send_timeout per write. After a hijack the tunnel's own
// deadlines apply.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if !c.hijacked.Load() {
		return nil
	}
	return c.Conn.SetWriteDeadline(t)
}

// SetDeadline is how fasthttp clears a connection's deadlines just before
// handing it to a hijack handler (it calls it nowhere else for HTTP/1):
// from then on the connection passes everything through.
func (c *Conn) SetDeadline(t time.Time) error {
	c.hijacked.Store(true)
	c.readBy.Clear()
	c.sendBy.Clear()
	return c.Conn.SetDeadline(t)
}

// setState follows fasthttp's view of the connection (Server.ConnState).
func (c *Conn) setState(s fasthttp.ConnState) {
	if s == fasthttp.StateClosed && c.park.Load() == parked {
		// fasthttp is done with a connection it was made to let go of:
		// it stays open and idle, and waits in park.go.
		c.parkIn()
		return
	}
	if s == fasthttp.StateIdle {
		// Before the state: the reaper must never see the new state with
		// the last idle period's start.
		c.idleSince.Store(transport.CoarseNow().UnixNano())
	}
	c.state.Store(int32(s))
	switch s {
	case fasthttp.StateIdle:
		c.serving(false)
		c.nextRequest()
	case fasthttp.StateHijacked:
		c.hijacked.Store(true)
	}
}

// nextRequest prepares for the next request after a response. The header
// scan starts again only if the request just served ended exactly where
// the bytes read so far end: otherwise fasthttp may hold the start of a
// pipelined request already, and scanning the bytes after it as a header
// could rewrite a body.
func (c *Conn) nextRequest() {
	c.got = false
	c.inBody = false
	c.headerSince.Store(0)
	c.headerDone.Store(false)
	if c.readBy.Armed() {
		// A body's read deadline must not cut the keep-alive wait,
		// which the reaper bounds.
		c.readBy.Clear()
		_ = c.Conn.SetReadDeadline(time.Time{})
	}
	if c.clean && !c.scanning && c.expectBody >= 0 && c.afterHeader == c.expectBody {
		c.scanning, c.afterHeader, c.expectBody = true, 0, -1
		return
	}
	c.clean, c.scanning = false, false
}

// idle reports whether the connection waits for a request with nothing of
// it received: nginx's reusable connections.
func (c *Conn) idle() bool {
	s := fasthttp.ConnState(c.state.Load())
	return s == fasthttp.StateNew || s == fasthttp.StateIdle
}

// Close closes the connection and gives its place in the table back.
// fasthttp's Close of a connection it let go of to park it is ignored.
func (c *Conn) Close() error {
	if c.park.Load() == parked {
		return nil
	}
	if c.closed.CompareAndSwap(false, true) {
		c.table.remove(c)
		if c.listener != nil {
			c.listener.stats.active.Add(-1)
		}
	}
	return c.Conn.Close()
}

// NetConn returns the TCP connection under c (under TLS, too): closing it
// interrupts c's reads and writes without a TLS close_notify that could
// block.
func (c *Conn) NetConn() net.Conn { return c.raw }

// Reclaimed reports whether the table closed c to make room for another
// connection: nobody waits for an answer on it.
func Reclaimed(c net.Conn) bool {
	cc, ok := c.(*Conn)
	return ok && cc.reclaimed.Load()
}

// ConnState is fasthttp's Server.ConnState hook: it tells a connection
// what fasthttp does with it.
func ConnState(c net.Conn, s fasthttp.ConnState) {
	if cc, ok := c.(*Conn); ok {
		cc.setState(s)
	}
}

// reclaim closes an idle connection to make room for a new one. The
// serving goroutine sees its read fail and ends quietly.
func (c *Conn) reclaim() {
	c.reclaimed.Store(true)
	if c.park.Load() == parked {
		c.closeParked()
		return
	}
	_ = c.raw.Close()
}

// errBareCR fails the read of a header that has a CR not followed by LF:
// fasthttp then answers 400 at once instead of waiting for a line end.
var errBareCR = errors.New("bare CR in a request header")
