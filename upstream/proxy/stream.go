package proxy

import (
	"io"
	"time"

	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
)

// respBody is the client response's body stream: it reads the upstream
// body (or the small body already read into memory) and, when fasthttp
// closes it after writing, ends the exchange. Reads happen only as fast as
// the client takes the data, so a download of any size holds one read
// buffer of gw's memory.
type respBody struct {
	x   *exchange
	src io.Reader
	// flush is proxy_buffering off: every piece read from the upstream is
	// flushed to the client at once instead of waiting for a full buffer.
	flush bool
	// conn is the client's connection, written to directly under flush
	// when fasthttp's writer cannot be flushed (see WriteTo); set only for
	// a body of known length, never for a chunked one.
	conn io.Writer
	// failed records an upstream read error, logged at close.
	failed error
}

// Read implements io.Reader for fasthttp's response writer.
func (b *respBody) Read(p []byte) (int, error) {
	x := b.x
	n, err := b.src.Read(p)
	x.received += int64(n)
	if err == io.EOF && x.respEnd <= 0 {
		// nginx's response time ends when the upstream body has been
		// read to its end, not when the client has it.
		x.respEnd = time.Since(x.tryStart)
	}
	if err != nil && err != io.EOF && b.failed == nil {
		b.failed = err
	}
	return n, err
}

// SupportsBodyWriteTo lets fasthttp call WriteTo, which flushes, only under
// proxy_buffering off; otherwise fasthttp copies through its buffered
// writer with Read.
func (b *respBody) SupportsBodyWriteTo() bool { return b.flush }

// WriteTo copies the body to w, flushing after every read so that a slow
// response reaches the client as it comes (proxy_buffering off).
//
// For a body of known length fasthttp hands WriteTo a writer that bounds
// the copy to Content-Length but has no Flush: its buffer would hold the
// body until 4 KiB have gathered. fasthttp has flushed the header by then
// (ImmediateHeaderFlush), so nothing is buffered ahead of the body and
// WriteTo writes to the client's connection itself. The body is still
// bounded: its source is the upstream body framed by the same
// Content-Length, and fasthttp checks the count WriteTo returns.
func (b *respBody) WriteTo(w io.Writer) (int64, error) {
	f, ok := w.(interface{ Flush() error })
	if !ok && b.conn != nil {
		w = b.conn
	}
	bp := transport.CopyBuffer()
	defer transport.PutCopyBuffer(bp)
	buf := *bp
	var total int64
	for {
		n, err := b.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr == nil && f != nil {
				werr = f.Flush()
			}
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// CloseWithError is called by fasthttp once the body is written, or when
// writing it failed (err is then the client side's error). It gives the
// upstream connection back (or closes it, when the body was not read to
// the end) and ends the exchange.
func (b *respBody) CloseWithError(err error) error {
	x := b.x
	if b.failed != nil {
		f := classify(b.failed, x.conn)
		f.phase = phaseBody
		logFailure(&x.p.log, &f, &x.lc)
	}
	x.finishUpstream(err != nil || b.failed != nil)
	x.endRequest()
	x.release()
	return nil
}

// endRequest completes the delivered try's record now that the response
// has gone, and ends the client's request, whose access log is written
// then: as in nginx, $upstream_response_time and the sizes cover the
// body, and $request_time ends when the last byte was sent.
func (x *exchange) endRequest() {
	e := x.ender
	if e == nil {
		return
	}
	x.ender = nil
	r := x.r
	if n := len(r.Upstream); n > 0 {
		t := &r.Upstream[n-1]
		took := x.respEnd
		if took <= 0 {
			// The body was not read to its end (the client left, the
			// upstream failed): nginx's time then ends with the request.
			took = time.Since(x.tryStart)
		}
		t.ResponseTime = took
		t.ResponseLength = x.received
		if x.stream.src == &x.mem {
			t.ResponseLength = int64(len(x.respMem)) // read whole, whatever the client took
		}
		if x.upSent > 0 || x.upRecv > 0 {
			t.BytesSent, t.BytesReceived = x.upSent, x.upRecv
		}
	}
	if r.BodyBytesSent == 0 || x.received < r.BodyBytesSent {
		// What was handed to the client's connection: a chunked body's
		// length is known only now, and a client that left took less.
		r.BodyBytesSent = x.received
	}
	r.End = time.Now()
	e.EndRequest()
}

// finishUpstream closes the upstream body: a connection whose body was
// read to the end goes back to the pool unless keepalive N idle ones are
// already there (nginx's cache size), in which case it is closed.
func (x *exchange) finishUpstream(broken bool) {
	if !x.resp.IsBodyStream() {
		return
	}
	if c := x.conn; c != nil {
		// Before the connection can be taken for another request.
		x.upSent, x.upRecv = c.Traffic()
	}
	if c := x.conn; c != nil && !broken && !x.resp.ConnectionClose() {
		if x.p.keepalive > 0 && c.PoolIdle() < int64(x.p.keepalive) {
			c.Park()
		} else {
			x.resp.SetConnectionClose()
		}
	}
	_ = x.resp.CloseBodyStream()
}

// readSmallBody reads a body of known length n into memory, so the
// upstream connection is free before the client has the response.
func (x *exchange) readSmallBody(n int) error {
	if cap(x.respMem) < n {
		x.respMem = make([]byte, n)
	}
	x.respMem = x.respMem[:n]
	_, err := io.ReadFull(x.resp.BodyStream(), x.respMem)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the body ended before its Content-Length
	}
	return err
}

// markTime is the ResponseTime of the last try: now, relative to its start.
func (x *exchange) markTime(start time.Time) {
	x.respEnd = time.Since(start)
	if n := len(x.r.Upstream); n > 0 {
		x.r.Upstream[n-1].ResponseTime = x.respEnd
	}
}

// recordResponse counts the response of the current try in peer's
// traffic: its status, its response time (took, or until now when 0: a
// streamed body is read whole when the exchange ends) and the body bytes
// each way.
func (x *exchange) recordResponse(peer *upstream.Peer, took time.Duration) {
	now := time.Now()
	if took <= 0 {
		took = now.Sub(x.tryStart)
	}
	sent := x.body.N
	if !x.out.IsBodyStream() {
		sent = int64(len(x.out.Body())) // a body read before the first try
	}
	peer.State().Responded(x.resp.StatusCode(), took, sent, x.received, now)
}
