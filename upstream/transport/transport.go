package transport

import (
	"bufio"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/resphead"
)

// RoundTrip sends req over one of hc's pooled connections and reads the
// response header; a body becomes a stream (upBody). gw uses HostClient as a
// connection pool only and never calls HostClient.Do, which would parse the
// request's URI for a scheme check (gw chose the scheme), read the clock for
// fasthttp.Client's last-use time and run a retry loop (gw retries itself,
// see exchange.run): about 2% of gw's CPU under load.
//
// It follows fasthttp's own transport step by step, with these
// differences. It sends the request line as gw built it: a parsed URI
// would make Request.Write rebuild the request target from it, dropping an
// empty "?" and anything its parser normalises, so any parse is forgotten
// first. A pooled connection is looked at before it is used (reusable).
// The response header is checked and, when its lines end in LF alone,
// normalised by gw before fasthttp parses it (ReadResponseHead). And a
// streamed response body is a pooled upBody instead of fasthttp's
// clientStreamBody, which costs four heap objects (the wrapper and three
// closures) on every response, however small its body. The steps fasthttp
// takes for HostClient.WriteTimeout, ReadTimeout and MaxConnDuration are
// left out: newClient sets none of them, and Conn applies
// proxy_send_timeout and proxy_read_timeout itself.
//
// user, when not nil, is told the connection used (so that, for instance,
// a client that leaves meanwhile can close it).
//
// head, when not nil, is the whole request as gw wrote it (a request
// without a body): it is sent as it is, and req only says whether the
// connection closes after it (ConnectionClose) and its method.
//
// The response header is read into uh (see ReadResponseHead); resp's
// header keeps the status, the framing and the close.
func RoundTrip(hc *fasthttp.HostClient, req *fasthttp.Request, head []byte, resp *fasthttp.Response, uh *resphead.Head, user ConnUser) error {
	skipBody := resp.SkipBody
	resp.Reset()
	resp.SkipBody = skipBody
	resp.StreamBody = true
	err := sendAndReadHeader(hc, req, head, resp, uh, user)
	if err == io.EOF {
		err = fasthttp.ErrConnectionClosed // as HostClient.Do reports it
	}
	return err
}

// sendAndReadHeader is RoundTrip's exchange on the connection.
func sendAndReadHeader(hc *fasthttp.HostClient, req *fasthttp.Request, head []byte, resp *fasthttp.Response, uh *resphead.Head, user ConnUser) error {
	req.SetURI(nil)
	skipBody := resp.SkipBody || req.Header.IsHead()

	// gw sets no per-request timeout (Conn keeps proxy_*_timeout), so
	// the request's timeout, which fasthttp keeps private, is zero. A
	// pooled connection on which bytes arrived while it was idle is
	// closed and another taken (see reusable).
	cc, err := hc.AcquireConn(0, req.ConnectionClose())
	for err == nil && !reusable(cc.Conn()) {
		hc.CloseConn(cc)
		cc, err = hc.AcquireConn(0, req.ConnectionClose())
	}
	if err != nil {
		return err
	}
	conn := cc.Conn()
	resp.ParseNetConn(conn)
	if user != nil {
		user.Use(conn)
	}

	if head != nil {
		// Written whole in one call: no buffered writer to fill and flush.
		_, err = conn.Write(head)
	} else {
		bw := hc.AcquireWriter(conn)
		err = req.Write(bw)
		if err == nil {
			err = bw.Flush()
		}
		hc.ReleaseWriter(bw)
	}
	if err == nil {
		// Let the other goroutines run before reading the reply. A read
		// right after the write nearly always fails with EAGAIN (the
		// upstream has not answered yet) and then waits for the poller:
		// a system call for nothing. After the others have had their turn
		// the reply is usually there and the first read gets it. When
		// nothing else is runnable this returns at once, and the read
		// behaves as before.
		runtime.Gosched()
	}
	if x, ok := err.(interface{ Timeout() bool }); ok && x.Timeout() {
		err = fasthttp.ErrTimeout
	}
	if err != nil {
		hc.CloseConn(cc)
		return err
	}

	if hc.DisableHeaderNamesNormalizing {
		resp.Header.DisableNormalizing()
	}

	// The header (after any 1xx interim responses) is checked by gw and
	// parsed by fasthttp (ReadResponseHead); the body, if there is one,
	// then becomes an upBody stream.
	br := hc.AcquireReader(conn)
	err = ReadResponseHead(br, &resp.Header, uh)
	if err != nil {
		hc.ReleaseReader(br)
		hc.CloseConn(cc)
		return err
	}
	closeConn := req.ConnectionClose() || resp.ConnectionClose()
	if skipBody || noBody(resp.StatusCode()) {
		// Bytes after a header that ends the response (a 204 or 304, or
		// the answer to HEAD, with a body anyway) belong to no request.
		closeConn = closeConn || br.Buffered() > 0
		hc.ReleaseReader(br)
		if closeConn {
			hc.CloseConn(cc)
		} else {
			hc.ReleaseConn(cc)
		}
		return nil
	}

	b := upBodyPool.Get().(*upBody)
	b.hc, b.cc, b.conn, b.br, b.resp = hc, cc, conn, br, resp
	b.closeConn = closeConn
	n := resp.Header.ContentLength()
	b.fullyRead = n == 0
	// fasthttp's body reader (content length, chunked, or to the
	// connection's close) is taken from a scratch response whose header
	// carries the same framing: a Response's stream can only be replaced
	// by closing it.
	b.framing.StreamBody = true
	b.framing.Header.SetContentLength(n)
	if err = b.framing.ReadBody(br, 0); err != nil { // never fails when streaming
		b.release(true)
		return err
	}
	b.src = b.framing.BodyStream()
	// For n == -2 (read until close) this also marks the response
	// Connection: close, as fasthttp's header parser already has.
	resp.SetBodyStream(b, n)
	return nil
}

// ConnUser is told which connection a round trip uses.
type ConnUser interface{ Use(net.Conn) }

// noBody reports the statuses that never have a body (RFC 9112 6.3).
func noBody(status int) bool {
	return status < 200 || status == fasthttp.StatusNoContent || status == fasthttp.StatusNotModified
}

// upBody is a streamed upstream response body. Closing it gives the
// connection back to the pool when the body was read to its end, nothing
// follows it in the reader's buffer and nothing asked for Connection:
// close; otherwise the connection is closed.
// A Close while a Read is blocked (from another goroutine) closes the
// connection to interrupt the Read, as fasthttp's clientStreamBody does.
//
// upBodies are pooled: once closed, an upBody is reused by another
// response, so its owner (the Response it was set on, which forgets it on
// CloseBodyStream) must not keep it.
type upBody struct {
	hc   *fasthttp.HostClient
	cc   any // fasthttp's *clientConn, for putConn
	conn net.Conn
	br   *bufio.Reader
	resp *fasthttp.Response
	src  io.Reader

	// framing owns the fasthttp body reader (src); its header holds only
	// the framing and any trailers.
	framing fasthttp.Response

	closeConn bool
	fullyRead bool
	closed    atomic.Bool
	readLock  sync.Mutex
}

var upBodyPool = sync.Pool{New: func() any { return new(upBody) }}

// Read implements io.Reader.
func (b *upBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, io.ErrClosedPipe
	}
	b.readLock.Lock()
	defer b.readLock.Unlock()
	if b.closed.Load() {
		return 0, io.ErrClosedPipe
	}
	n, err := b.src.Read(p)
	if err == io.EOF {
		b.fullyRead = true
	}
	return n, err
}

// CloseWithError implements fasthttp.ReadCloserWithError; fasthttp calls it
// from Response.CloseBodyStream. A non-nil err means the body's consumer
// failed: the connection is closed.
func (b *upBody) CloseWithError(err error) error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	locked := b.readLock.TryLock()
	discard := err != nil || !locked || !b.fullyRead
	if discard {
		_ = b.conn.Close() // interrupts a Read in flight
	}
	if !locked {
		b.readLock.Lock()
	}
	b.readLock.Unlock()
	b.release(discard)
	return nil
}

// release returns the reader and the connection (closed when discard,
// when the response is to close it, or when bytes beyond the body were
// read: they belong to no request) and puts b back in its pool.
func (b *upBody) release(discard bool) {
	_ = b.framing.CloseBodyStream()
	b.framing.Reset()
	discard = discard || b.br.Buffered() > 0
	b.hc.ReleaseReader(b.br)
	putConn(b.hc, b.cc, discard || b.closeConn || b.resp.ConnectionClose())
	b.hc, b.cc, b.conn, b.br, b.resp, b.src = nil, nil, nil, nil, nil, nil
	b.closeConn, b.fullyRead = false, false
	b.closed.Store(false)
	upBodyPool.Put(b)
}

// putConn gives a connection from HostClient.AcquireConn back to its pool,
// or closes it. fasthttp does not export the connection's type, so upBody
// keeps it as an interface value and putConn, instantiated for that type
// by inference from HostClient's methods, converts it back.
var putConn = putConnFunc((*fasthttp.HostClient).ReleaseConn, (*fasthttp.HostClient).CloseConn)

func putConnFunc[C any](release, closeConn func(*fasthttp.HostClient, C)) func(*fasthttp.HostClient, any, bool) {
	return func(hc *fasthttp.HostClient, cc any, closeIt bool) {
		if closeIt {
			closeConn(hc, cc.(C))
		} else {
			release(hc, cc.(C))
		}
	}
}
