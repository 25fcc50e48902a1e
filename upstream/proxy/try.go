package proxy

import (
	"time"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
)

// try sends the request to peer once through the peer's pool and reads the
// response header, recording the try for the $upstream_* variables.
func (x *exchange) try(peer *upstream.Peer) tryResult {
	if x.tun != nil {
		return x.tryUpgrade(peer)
	}
	hc := x.p.clients[peer.Index()]
	x.attachSpool()
	t := x.r.AddUpstreamTry(peer.Addr)
	start := time.Now()
	x.tryStart = start
	client := x.watchClient()
	var user transport.ConnUser // nil unless watched: a nil *abortWatch would not be
	if client != nil {
		user = &x.abort
	}
	err := transport.RoundTrip(hc.HostClient(), &x.out, x.head, &x.resp, &x.upHead, user)
	if client != nil {
		client.UpstreamDone()
		if x.abort.gone.Load() {
			return x.clientLeft(err == nil)
		}
		x.abort.reset()
	}
	elapsed := time.Since(start)
	x.conn = transport.ConnOf(x.resp.LocalAddr())
	c := x.conn
	if err != nil {
		if x.body.Err != nil {
			return tryResult{kind: outClient, status: x.clientFailed()}
		}
		if x.spool.Err != nil {
			return tryResult{kind: outClient, status: x.spoolFailed("pread()", x.spool.Name, x.spool.Err)}
		}
		f := classify(err, c)
		// A failed try, as nginx's ngx_http_upstream_next leaves it:
		//  - status: that of the failure, 504 for a timeout (connect,
		//    handshake, send, header) and 502 for the rest (refused,
		//    closed, invalid header); 0 would print "-".
		//  - response time: the try's elapsed time, which nginx sets when
		//    the next try starts or the request ends.
		//  - header time: "-", no header was parsed (nginx sets it only
		//    in ngx_http_upstream_process_header once one was).
		//  - connect time: "-" when no connection came of the dial
		//    (refused, connect or TLS handshake timed out or failed);
		//    nginx sets it only on its way to send the request
		//    (ngx_http_upstream_send_request). [gw] A connect nginx sees
		//    fail only later, through the socket's error, gets a time
		//    there; Go's dialer does not tell the two apart, and on
		//    loopback a refusal is immediate in both.
		//  - bytes: sent and received as counted on the connection, 0
		//    without one; no response length, nginx counts body bytes
		//    only for the response it passes on.
		t.Status = f.status()
		t.ResponseTime = elapsed
		if c != nil {
			t.ConnectTime = connectTime(c, c.Served())
			t.BytesSent, t.BytesReceived = c.Traffic()
		}
		stale := c != nil && c.Served() > 0 && f.kind != upstream.ErrTimeout
		return tryResult{kind: outFailure, f: f, stale: stale}
	}
	// A header arrived: its status is the upstream's (which is also what
	// ngx_http_upstream_next records when proxy_next_upstream passes the
	// response over for an http_* condition), and the header time is now.
	// The response time is the header's too until the body has been read
	// (endRequest); for a response passed over it stays so, as nginx's
	// ends when the next try starts.
	t.Status = x.resp.StatusCode()
	t.HeaderTime, t.ResponseTime = elapsed, elapsed
	if c != nil {
		// So far: the body, when the response is delivered, adds to
		// them as it is read (endRequest).
		t.BytesSent, t.BytesReceived = c.Traffic()
		served := c.CountServed()
		t.ConnectTime = connectTime(c, served-1)
		if n := x.p.keepaliveRequests; n > 0 && served >= int64(n) {
			// keepalive_requests: this was the connection's last request.
			x.resp.SetConnectionClose()
		}
	}
	return tryResult{kind: outResponse}
}

// connectTime is $upstream_connect_time of a try on c after `before`
// earlier responses: the dial for a new connection, 0 for a reused one.
func connectTime(c *transport.Conn, before int64) time.Duration {
	if before > 0 {
		return 0
	}
	return c.DialTime()
}

// statusCondition maps a response status to its proxy_next_upstream
// condition, 0 for statuses it has none for.
func statusCondition(status int) conf.NextUpstream {
	switch status {
	case 500:
		return conf.NextHTTP500
	case 502:
		return conf.NextHTTP502
	case 503:
		return conf.NextHTTP503
	case 504:
		return conf.NextHTTP504
	case 403:
		return conf.NextHTTP403
	case 404:
		return conf.NextHTTP404
	case 429:
		return conf.NextHTTP429
	}
	return 0
}

// skipResponse applies proxy_next_upstream's http_* conditions to the
// response in x.resp. A listed status is a failed try (403 and 404 never
// count against the peer's health, nginx's rule); if the request may go on
// and another peer can be picked (or the pinned session's peer is tried
// again), the response is dropped and that peer returned. Otherwise nil:
// the response goes to the client, even when its status was listed, as
// nginx passes the last answer on.
func (x *exchange) skipResponse(peer *upstream.Peer, now time.Time, l *loop) *upstream.Peer {
	p := x.p
	ft := statusCondition(x.resp.StatusCode())
	if ft == 0 || !p.next.Has(ft) {
		peer.Success()
		return nil
	}
	if ft != conf.NextHTTP403 && ft != conf.NextHTTP404 {
		x.fail(peer, now, phaseHeader)
	}
	l.tries++
	if l.tries >= p.tries || !x.mayRetry(ft, true) {
		return nil
	}
	next := x.retryPeer(now, l)
	if next == nil {
		return nil
	}
	x.finishUpstream(true)
	x.recordResponse(peer, 0)
	peer.Release()
	return next
}

// statusClientClosed is nginx's 499, logged when the client left before
// the response could be sent.
const statusClientClosed = 499

// watchClient starts watching the client for a try, unless
// proxy_ignore_client_abort is on, the client's connection cannot be
// watched, or the request body is still being read from it (the watch must
// be the connection's only reader). It returns the watcher, or nil.
func (x *exchange) watchClient() ClientWatcher {
	if x.p.ignoreClientAbort || x.body.Unread() {
		return nil
	}
	c, ok := x.ctx.Conn().(ClientWatcher)
	if !ok {
		return nil
	}
	c.AwaitUpstream(&x.abort)
	return c
}

// clientLeft ends a try whose client left while the upstream was awaited:
// the upstream connection is closed already (or, when the answer came
// just then, with its body), nothing counts against the peer, and the
// request ends with 499, as in nginx.
func (x *exchange) clientLeft(answered bool) tryResult {
	if answered {
		x.conn = transport.ConnOf(x.resp.LocalAddr())
		x.finishUpstream(true)
	}
	x.ctx.SetConnectionClose()
	lc := x.lc
	logLine(x.p.log.Info(), "client prematurely closed connection, so upstream connection is closed too while reading response header from upstream", &lc)
	return tryResult{kind: outClient, status: statusClientClosed}
}
