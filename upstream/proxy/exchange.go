package proxy

import (
	"bytes"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/proxy/body"
	"github.com/gw-proxy/gw/upstream/resphead"
	"github.com/gw-proxy/gw/upstream/transport"
	"github.com/gw-proxy/gw/upstream/tunnel"
)

// exchange is the state of one proxied request, from Serve until the
// client has the whole response. It is pooled: the request and response to
// the upstream, the tried set and the scratch buffers keep their capacity
// from one request to the next.
//
// Ownership: Serve owns it until it hands the response body to the
// client's response (ctx.Response.SetBodyStream); from then on the body
// stream owns it and ends it when fasthttp has written the body (or given
// up), releasing the upstream connection and the peer at that moment, not
// before: least_conn sees a long download as the open connection it is.
type exchange struct {
	p   *Proxy
	ctx *fasthttp.RequestCtx
	r   *vars.Request
	// lc is the error log's view of the request; it stays valid while the
	// body streams, after r has been reset by the caller.
	lc logContext

	out  fasthttp.Request  // to the upstream, special headers disabled
	resp fasthttp.Response // from the upstream: status, framing, body streamed
	// upHead is the upstream response's header lines (resphead): what
	// copyHeader passes, persistence edits and $upstream_http_* reads.
	upHead resphead.Head

	tried  upstream.Tried
	sess   persist.Request // the persistence hook's view of the request
	tokens connTokens
	lines  clientLines // copyClient's scratch
	// head is the request as written by appendHead, for a request
	// without a body; nil when x.out carries it. headBuf keeps its
	// memory across requests.
	head, headBuf []byte
	body          body.Reader
	// replayable: the request body can be sent again (none, in memory,
	// or spooled).
	replayable bool
	reqMem     []byte     // request body read before the first try
	spool      body.Spool // a body spooled for an HTTP/1.0 upstream
	respMem    []byte     // small response body read at once
	mem        bytes.Reader
	stream     respBody
	buf        []byte // scratch: header values, redirects
	keyBuf     []byte // hash KEY
	uri        []byte // the request target sent upstream
	fixedURI   bool   // uri was set by a proxy_pass value and is sent as is

	// handedOver: the client's response carries the upstream's, and its
	// body stream ends the exchange.
	handedOver bool
	// ender ends the client's request once the response has gone: taken
	// from r when the response is handed over, so r stays valid (and the
	// access log waits) until the body or the tunnel has ended. nil when
	// the server set none: r must then not be touched after the handover.
	ender vars.Ender
	// upSent and upRecv are the delivered response's connection traffic,
	// taken when its body ended, before the connection went back to the
	// pool.
	upSent, upRecv int64

	start    time.Time       // of the first try: proxy_next_upstream_timeout
	tryStart time.Time       // of the current try: $upstream_response_time
	respEnd  time.Duration   // when the delivered response's body was read whole, if before the end
	received int64           // body bytes of the delivered response read so far
	peer     *upstream.Peer  // the acquired peer whose response goes to the client
	conn     *transport.Conn // the connection that response came over
	tun      *tunnel.Tunnel  // an Upgrade handshake's own connection, nil otherwise
	abort    abortWatch
}

var exchangePool = sync.Pool{New: func() any {
	x := &exchange{buf: make([]byte, 0, 256), uri: make([]byte, 0, 128)}
	x.stream.x = x
	return x
}}

// acquireExchange starts an exchange for one request.
func acquireExchange(p *Proxy, ctx *fasthttp.RequestCtx, r *vars.Request) *exchange {
	x := exchangePool.Get().(*exchange)
	x.p, x.ctx, x.r = p, ctx, r
	x.sess.Ctx, x.sess.R, x.sess.Scope = ctx, r, &p.scope
	x.lc = logContext{ctx: ctx, server: r.ServerName, scheme: p.scheme}
	return x
}

// release ends the exchange: the peer of a delivered response is released
// and every reference to the request is dropped before pooling. When gw
// answers itself (nothing was handed to the client's response) and the
// client's body was not read to its end, the client connection is closed
// after the answer, since the rest of the body would be read as the next
// request.
func (x *exchange) release() {
	if !x.handedOver && x.body.Unread() {
		x.ctx.SetConnectionClose()
	}
	x.handedOver = false
	if x.peer != nil {
		x.recordResponse(x.peer, x.respEnd)
		x.peer.Release()
		x.peer = nil
	}
	x.respEnd, x.received = 0, 0
	x.ender, x.upSent, x.upRecv = nil, 0, 0
	x.conn = nil
	x.tun.Close()
	x.tun = nil
	x.out.Reset()
	x.head = nil
	x.resp.Reset()
	x.upHead.Reset()
	x.tried.Reset()
	x.abort.reset()
	x.sess.Reset()
	x.tokens.reset()
	x.body = body.Reader{}
	x.spool.Close()
	x.mem.Reset(nil)
	x.stream.src, x.stream.failed, x.stream.conn = nil, nil, nil
	x.p, x.ctx, x.r, x.lc = nil, nil, nil, logContext{}
	x.reqMem, x.respMem = x.reqMem[:0], x.respMem[:0]
	x.buf, x.keyBuf, x.uri = x.buf[:0], x.keyBuf[:0], x.uri[:0]
	x.replayable, x.fixedURI = false, false
	exchangePool.Put(x)
}
