package proxy

import (
	"io"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/proxy/body"
	"github.com/gw-proxy/gw/upstream/transport"
)

// prepare builds the request for the upstream once, before the first try:
// request line, header and body. A non-zero status means gw answers the
// client itself (413, or the client's body failed).
func (x *exchange) prepare() int {
	p := x.p
	in := &x.ctx.Request
	switch {
	case x.fixedURI:
	case x.r != nil && x.r.Rewritten:
		x.uri = p.uri.AppendRewritten(x.uri[:0], in, x.r.LocationLost)
	default:
		x.uri = p.uri.Append(x.uri[:0], in)
	}
	x.lc.uri = x.uri

	h := &x.out.Header
	h.DisableSpecialHeader()
	h.DisableNormalizing()
	if p.method != nil {
		x.buf = p.method.Append(x.buf[:0], x.r)
	}
	if p.method != nil && len(x.buf) > 0 {
		h.SetMethodBytes(x.buf)
	} else {
		h.SetMethodBytes(in.Header.Method())
	}
	h.SetRequestURIBytes(x.uri)
	h.SetProtocol(p.headers.protocol)
	bodyLen, status := x.prepareBody()
	if status != 0 {
		return status
	}
	ck := persist.KeepCookies
	if p.persist != nil {
		ck = p.persist.Request(&x.sess)
	}
	if x.sendsNoBody() && p.tunnel.upgradeName == nil {
		// No body to frame: gw writes the head itself (rawhead.go),
		// unless the client asks for an upgrade, whose handshake
		// offerUpgrade builds from x.out.
		var closeConn bool
		x.headBuf, x.buf, closeConn = p.headers.appendHead(x.headBuf[:0], h.Method(), h.RequestURI(), &in.Header, x.r,
			&x.tokens, &x.lines, x.buf, bodyLen, ck)
		if !x.tokens.has(strUpgradeToken) {
			x.head = x.headBuf
			if closeConn {
				h.SetConnectionClose()
			}
			return 0
		}
	}
	x.buf = p.headers.write(h, &in.Header, x.r, &x.tokens, &x.lines, x.buf, bodyLen, ck)
	return 0
}

// sendsNoBody reports whether the upstream request goes without a body:
// the client sent none, or proxy_pass_request_body off dropped it, and
// no proxy_set_body replaces it. A body attached later (a spool, for an
// HTTP/1.0 upstream) comes from a client's body, so it is never one of
// these.
func (x *exchange) sendsNoBody() bool {
	if x.p.setBody != nil || x.out.IsBodyStream() || len(x.out.Body()) > 0 {
		return false
	}
	n := x.ctx.Request.Header.ContentLength()
	return x.p.noBody || n == 0 || n == body.None
}

// prepareBody attaches the client's body to the upstream request and
// returns the Content-Length to announce (negative: none). Bodies larger
// than client_max_body_size are refused before anything is proxied when
// their length is announced, and as soon as they grow past it otherwise.
// What it reads into memory is bounded by client_body_buffer_size (see
// package body).
func (x *exchange) prepareBody() (bodyLen, status int) {
	p := x.p
	in := &x.ctx.Request
	n := in.Header.ContentLength()
	if p.maxBody > 0 && int64(n) > p.maxBody {
		return 0, x.tooLarge(int64(n))
	}
	stream := x.ctx.RequestBodyStream()
	if p.noBody || p.setBody != nil {
		return x.replaceBody(stream)
	}
	if stream == nil {
		// The server read the body already (fasthttp without
		// StreamRequestBody, whose MaxRequestBodySize bounds it; cmd/gw
		// streams, and comes here only for a request without a body): it
		// is in memory and can be sent again.
		raw := in.Body()
		if p.maxBody > 0 && int64(len(raw)) > p.maxBody {
			return 0, x.tooLarge(int64(len(raw)))
		}
		x.replayable = true
		if len(raw) == 0 && n < 0 {
			return -1, 0
		}
		x.out.SetBodyRaw(raw)
		return len(raw), 0
	}
	x.body.Reset(stream, p.maxBody)
	switch {
	case n == body.None:
		x.replayable = true
		return -1, 0
	case n >= 0 && int64(n) <= p.bodyBuffer && p.requestBuffering:
		return x.readBody(n)
	case n == body.Chunked && p.headers.protocol == protoHTTP10:
		// HTTP/1.0 has no chunked encoding: nginx then reads the whole
		// body to learn its length, and so does gw, through a file.
		size, status := x.spoolBody()
		if status != 0 {
			return 0, status
		}
		x.replayable = true
		if !x.spool.InFile() {
			x.out.SetBodyRaw(x.spool.Mem)
		}
		return int(size), 0
	}
	x.out.SetBodyStream(&x.body, n)
	return n, 0
}

// replaceBody sends proxy_set_body's value, or no body at all under
// proxy_pass_request_body off. The client's body is still read to its end
// and dropped, as nginx reads it before proxying: client_max_body_size
// applies, and the connection can carry the client's next request.
// [gw] Under proxy_pass_request_body off gw announces no length of its
// own (fasthttp writes Content-Length: 0 for a method that may carry a
// body): nginx announces the client's length and sends no body, which
// leaves the upstream waiting, hence the `proxy_set_header Content-Length
// ""` nginx's users add. gw frames what it sends and ignores that line.
func (x *exchange) replaceBody(stream io.Reader) (bodyLen, status int) {
	p := x.p
	if stream != nil {
		x.body.Reset(stream, p.maxBody)
		if _, err := io.Copy(io.Discard, &x.body); err != nil || x.body.Err != nil {
			if x.body.Err == nil {
				x.body.Err = err
			}
			return 0, x.clientFailed()
		}
	} else if raw := x.ctx.Request.Body(); p.maxBody > 0 && int64(len(raw)) > p.maxBody {
		return 0, x.tooLarge(int64(len(raw)))
	}
	x.replayable = true
	if p.setBody == nil {
		return -1, 0
	}
	x.reqMem = p.setBody.Append(x.reqMem[:0], x.r)
	x.out.SetBodyRaw(x.reqMem)
	return len(x.reqMem), 0
}

// readBody reads a body of announced length n, at most
// client_body_buffer_size, into x.reqMem before the first try. The one
// byte of room beyond n is where the end of the body is read.
func (x *exchange) readBody(n int) (int, int) {
	room := n + 1
	if cap(x.reqMem) < room {
		x.reqMem = make([]byte, 0, room)
	}
	b, eof, err := x.body.Fill(x.reqMem[:0:room])
	if err == nil && !eof {
		err, x.body.Err = body.ErrPastLength, body.ErrPastLength
	}
	if err != nil {
		return 0, x.clientFailed()
	}
	x.reqMem = b
	x.replayable = true
	x.out.SetBodyRaw(b)
	return len(b), 0
}

// tooLarge logs nginx's line for a body over client_max_body_size and
// returns 413.
func (x *exchange) tooLarge(n int64) int {
	if ev := x.p.log.Error(); ev != nil {
		b := make([]byte, 0, 64)
		b = append(b, "client intended to send too large body: "...)
		b = strconv.AppendInt(b, n, 10)
		b = append(b, " bytes"...)
		lc := x.lc
		lc.upstream = ""
		logLine(ev, string(b), &lc)
	}
	x.ctx.SetConnectionClose()
	return fasthttp.StatusRequestEntityTooLarge
}

// clientFailed is the status for a request whose body could not be read
// from the client: 413 past client_max_body_size, 408 on a timeout, 400
// otherwise (nginx's choices). The connection cannot carry another request.
func (x *exchange) clientFailed() int {
	err := x.body.Err
	if err == body.ErrTooLarge {
		return x.tooLarge(x.body.N)
	}
	x.ctx.SetConnectionClose()
	lc := x.lc
	lc.upstream = ""
	if transport.IsTimeout(err) {
		logLine(x.p.log.Info(), "client timed out (110: Connection timed out) while reading client request body", &lc)
		return fasthttp.StatusRequestTimeout
	}
	logLine(x.p.log.Info(), "client prematurely closed connection while reading client request body", &lc)
	return fasthttp.StatusBadRequest
}
