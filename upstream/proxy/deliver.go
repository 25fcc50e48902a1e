package proxy

import (
	"slices"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream"
)

// bufferedRespMax is the largest response body read at once when
// proxy_buffering is on (nginx's proxy_buffers default, 8 x 8k, rounded
// up): the upstream connection and the peer are then free before the
// client has the response, as with nginx's buffering. Larger bodies, and
// every body under proxy_buffering off, stream.
const bufferedRespMax = 64 << 10

// deliver hands the upstream response in x.resp to the client: header
// rules applied, body attached to ctx.Response. It returns 0, or the status
// gw answers itself when the response is intercepted or its small body
// could not be read. peer is acquired; deliver (or the exchange it hands
// over) releases it.
func (x *exchange) deliver(peer *upstream.Peer) int {
	p := x.p
	status := x.resp.StatusCode()
	if status >= 300 && slices.Contains(p.intercept, status) {
		// proxy_intercept_errors: the location's error_page answers.
		if status == fasthttp.StatusUnauthorized {
			// As nginx does, the challenge goes with the page: without
			// it the client could not authenticate.
			for k, v := range x.upHead.All() {
				if equalFold(k, "www-authenticate") {
					x.ctx.Response.Header.AddBytesKV(k, v)
				}
			}
		}
		x.finishUpstream(true)
		x.recordResponse(peer, 0)
		peer.Release()
		x.release()
		return status
	}
	x.peer = peer
	x.lc.upstream = peer.Addr // for errors while the body is read
	bodyLen := x.resp.Header.ContentLength()
	withBody := x.hasBody()
	if withBody && !p.flush && bodyLen >= 0 && bodyLen <= bufferedRespMax {
		if err := x.readSmallBody(bodyLen); err != nil {
			f := classify(err, x.conn)
			f.phase = phaseBody
			logFailure(&p.log, &f, &x.lc)
			x.finishUpstream(true)
			x.release()
			return f.status()
		}
		x.finishUpstream(false)
		x.markTime(x.tryStart)
		x.mem.Reset(x.respMem)
		x.stream.src = &x.mem
	}
	if p.persist != nil {
		x.r.UpstreamHeader = &x.upHead // for $upstream_cookie_* (sticky learn)
		p.persist.Respond(&x.sess, peer, &x.upHead)
	}
	if target := x.copyHeader(); target != nil {
		return x.accelRedirect(target)
	}
	if x.switching() {
		return x.startTunnel()
	}
	return x.attachBody(withBody, bodyLen)
}

// attachBody sets the client response's body stream, which from now on
// owns the exchange.
func (x *exchange) attachBody(withBody bool, bodyLen int) int {
	resp := &x.ctx.Response
	x.handedOver = true
	if !withBody {
		x.finishUpstream(false)
		if x.ctx.IsHead() && bodyLen < 0 {
			// A chunked answer to HEAD: fasthttp cannot frame it as a
			// stream, so the exchange ends here, taking the upstream
			// header with it.
			resp.Header.SetContentLength(-1)
			x.release()
			return 0
		}
		x.mem.Reset(nil)
		x.stream.src = &x.mem
		bodyLen = max(bodyLen, 0)
	} else if x.stream.src == nil {
		x.stream.src = x.resp.BodyStream()
	}
	x.stream.flush = x.p.flush
	if x.p.flush && bodyLen >= 0 {
		// Only fasthttp's fixed-length writer lacks a Flush. A chunked
		// body must go through fasthttp's chunk writer, which frames and
		// flushes every piece itself.
		x.stream.conn = x.ctx.Conn()
	}
	resp.ImmediateHeaderFlush = x.p.flush
	if withBody && bodyLen > 0 {
		x.r.BodyBytesSent = int64(bodyLen)
	}
	x.r.UpstreamHeader = &x.upHead
	x.ender = x.r.TakeEnder()
	resp.SetBodyStream(&x.stream, bodyLen)
	return 0
}
