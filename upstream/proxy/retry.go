package proxy

import (
	"net"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/persist"
)

// outcome is how one try ended.
type outcome uint8

const (
	outResponse outcome = iota // the upstream answered; x.resp holds it
	outFailure                 // no usable answer: see tryResult.f
	outClient                  // the client's side failed; tryResult.status
)

// tryResult is what the loop needs to know about one try.
type tryResult struct {
	kind   outcome
	f      failure
	status int
	// stale: the failure happened on a kept-alive connection the peer
	// had already closed (nginx's u->peer.cached), which says nothing
	// about the peer's health.
	stale bool
}

// loop is the retry loop's state for one request.
type loop struct {
	last   failure // the last try's failure, when failed
	failed bool
	tries  int            // tries counted against proxy_next_upstream_tries
	stale  int            // retries left on stale kept-alive connections
	preset *upstream.Peer // the peer of the next try, when already chosen
	// pin is the peer every try goes to: the session's, when persistence
	// says it may not move (session_sticky fallback=off would rather fail
	// than move a session).
	pin      *upstream.Peer
	asked    bool // persistence was asked (or there is none)
	attempts int  // tries sent so far: every one after the first is a retry
}

// run is the one retry loop every proxied request goes through:
// persistence or the balancer picks a peer, the request goes through the peer's pool, the
// outcome is classified, passive health is updated, and the next peer is
// tried when proxy_next_upstream allows it. It returns 0 once a response
// is in the client's ctx, else the status gw must answer. It ends x,
// directly or through the body stream it hands to the client.
func (x *exchange) run() int {
	x.start = time.Now()
	l := loop{stale: x.p.keepalive + 1, asked: x.p.persist == nil}
	// The first pick uses the start time; every retry (continue included)
	// reads the clock again.
	for now := x.start; ; now = time.Now() {
		peer, status := x.nextPeer(now, &l)
		if peer == nil {
			x.release()
			return status
		}
		if !peer.Acquire(now) {
			if x.p.up.Queued() {
				// The server is full: wait for a slot on it rather than
				// move the request (and a sticky visitor's session).
				if err := x.p.up.Wait(); err != nil {
					status := x.queueFailed(err, now)
					x.release()
					return status
				}
				l.preset = peer
				continue
			}
			if l.pin != nil {
				// max_conns reached since Choose, and the session may not
				// move to another peer.
				status := x.noLivePeers(now)
				x.release()
				return status
			}
			continue // max_conns reached since the pick; the peer counts as tried
		}
		if l.attempts++; l.attempts > 1 {
			peer.State().CountRetry()
		}
		res := x.try(peer)
		switch res.kind {
		case outClient:
			peer.Release()
			x.release()
			return res.status
		case outFailure:
			if status, again := x.afterFailure(peer, &res, now, &l); !again {
				x.release()
				return status
			}
			continue
		}
		if l.preset = x.skipResponse(peer, now, &l); l.preset != nil {
			continue
		}
		return x.deliver(peer)
	}
}

// nextPeer returns the peer of the next try: the one already chosen, the
// pinned session's, the session's (first try only), or the balancer's.
// Without a peer it returns the status that ends the request.
func (x *exchange) nextPeer(now time.Time, l *loop) (*upstream.Peer, int) {
	began := now // the try's start, before any wait in the queue
	if p := l.preset; p != nil {
		l.preset = nil
		return p, 0
	}
	if l.pin != nil {
		return l.pin, 0
	}
	if !l.asked {
		l.asked = true
		c := x.choose(now)
		if c.Pin {
			l.pin = c.Peer
		}
		if c.Peer != nil || c.Status != 0 {
			return c.Peer, c.Status
		}
	}
	for {
		if p := x.pick(now); p != nil {
			return p, 0
		}
		up := x.p.up
		if !up.Queued() || !up.AnyFull(now, &x.tried) {
			return nil, x.noPeer(l, began)
		}
		// Every server the balancer could use is full: wait in the
		// upstream's queue for one to free a slot.
		if err := up.Wait(); err != nil {
			return nil, x.queueFailed(err, began)
		}
		now = time.Now()
	}
}

// queueFailed ends a request the upstream's queue could not place: 503,
// as HAProxy answers a queue timeout [gw: nginx Plus answers 502], logged
// and recorded as a try of the upstream like "no live upstreams". The
// try began when gw started looking for its server, so its
// $upstream_response_time includes the wait in the queue.
func (x *exchange) queueFailed(err error, began time.Time) int {
	name := x.p.up.Name()
	x.lc.upstream = name
	logLine(x.p.log.Error(), err.Error()+" while "+phaseConnect, &x.lc)
	return x.refusedTry(name, fasthttp.StatusServiceUnavailable, began)
}

// refusedTry records a try that no server took: "no live upstreams", the
// queue's refusal, a sticky session that may not move. nginx records such
// a try too (ngx_http_upstream_connect pushes the try's state before it
// asks the balancer, which fails with NGX_BUSY): its peer is the name the
// balancer leaves, the upstream's; ngx_http_upstream_next gives it the
// status (502 for "no live upstreams"); and ngx_http_upstream_finalize_request
// sets its response time to the time since the try began (0.000 for an
// instant refusal), while the connect and header times it never had stay
// "-" and its sizes 0. It returns status.
func (x *exchange) refusedTry(name string, status int, began time.Time) int {
	t := x.r.AddUpstreamTry(name)
	t.Status = status
	t.ResponseTime = time.Since(began)
	return status
}

// retryPeer is the peer of a retry after a response proxy_next_upstream
// rejects: the pinned session's, or the balancer's.
func (x *exchange) retryPeer(now time.Time, l *loop) *upstream.Peer {
	if l.pin != nil {
		return l.pin
	}
	return x.pick(now)
}

// afterFailure logs a failed try and updates the peer's health, then says
// whether the loop goes on, or else the status that ends the request. A
// failure on a kept-alive connection the peer had closed is retried on the
// same peer without counting, as nginx adds a try for a cached connection.
func (x *exchange) afterFailure(peer *upstream.Peer, res *tryResult, now time.Time, l *loop) (int, bool) {
	f := &res.f
	if res.stale && l.stale > 0 && x.mayRetry(f.ft, f.sent) {
		l.stale--
		peer.Release()
		l.preset = peer
		return 0, true
	}
	x.lc.upstream = peer.Addr
	logFailure(&x.p.log, f, &x.lc)
	x.fail(peer, now, f.phase)
	peer.Release()
	l.tries++
	l.last, l.failed = *f, true
	if l.tries >= x.p.tries || !x.mayRetry(f.ft, f.sent) {
		return f.status(), false
	}
	return 0, true
}

// choose asks the session persistence for the request's peer; now becomes
// the instant of every persistence decision of the request. A refusal is
// logged and recorded as a try of the upstream, as nginx records "no live
// upstreams", so $upstream_addr and $upstream_status say what happened,
// and goes to the client with the Set-Cookie persistence asked for.
// Persistence that cannot decide (its store failed; it logs that itself)
// leaves the request to the balancer: a store outage costs stickiness,
// never a request.
func (x *exchange) choose(now time.Time) persist.Choice {
	x.sess.Now = now
	c, err := x.p.persist.Choose(&x.sess)
	if err != nil {
		return persist.Choice{}
	}
	switch {
	case c.Peer != nil:
		x.tried.Add(c.Peer.Index())
	case c.Status != 0:
		name := x.p.up.Name()
		x.lc.upstream = name
		logLine(x.p.log.Error(), "no live upstream for the session cookie (session_sticky fallback=off) while "+phaseConnect, &x.lc)
		x.refusedTry(name, c.Status, now)
		if len(c.SetCookie) > 0 {
			// gw's own answer (error_page included) keeps what is added
			// to the client's header now.
			x.ctx.Response.Header.AddBytesKV(strSetCookie, c.SetCookie)
		}
	}
	return c
}

// pick asks the balancer for a peer the request has not tried.
func (x *exchange) pick(now time.Time) *upstream.Peer {
	p := x.p
	var key upstream.Key
	switch {
	case p.ipHash:
		if a, ok := x.ctx.RemoteAddr().(*net.TCPAddr); ok {
			key.IP = a.IP
		}
	case p.hashKey != nil:
		x.keyBuf = p.hashKey.Append(x.keyBuf[:0], x.r)
		key.Hash = x.keyBuf
	}
	return p.up.Pick(now, key, &x.tried)
}

// noPeer is the status when the balancer has no peer left. Before any
// try, or when peers remain that could not be picked (down, failed, full),
// it is nginx's "no live upstreams" and 502; the first time it also
// revives the peers' passive-health failures, as the Upstream asks. When
// every peer has been tried, the last failure decides (502 or 504).
func (x *exchange) noPeer(l *loop, began time.Time) int {
	p := x.p
	if l.failed && l.tries >= len(p.up.Peers) {
		return l.last.status()
	}
	if l.tries == 0 && !l.failed {
		p.up.Revive()
	}
	return x.noLivePeers(began)
}

// noLivePeers logs nginx's "no live upstreams", records it as a try of the
// upstream that began at began (refusedTry) and returns its status.
func (x *exchange) noLivePeers(began time.Time) int {
	p := x.p
	x.lc.upstream = p.up.Name()
	logLine(p.log.Error(), upstream.ErrNoLivePeers.Error()+" while "+phaseConnect, &x.lc)
	return x.refusedTry(p.up.Name(), statusOf(upstream.ErrNoLivePeers), began)
}

// mayRetry reports whether proxy_next_upstream lets the request go to
// another peer after a try that ended with condition ft: the condition is
// listed; a request already sent is not repeated for POST, LOCK and PATCH
// without non_idempotent (ngx_http_upstream_next); a body already streamed
// cannot be sent again; proxy_next_upstream_timeout has not passed.
func (x *exchange) mayRetry(ft conf.NextUpstream, sent bool) bool {
	p := x.p
	switch {
	case !p.next.Has(ft):
		return false
	case sent && !p.next.Has(conf.NextNonIdempotent) && nonIdempotent(x.ctx.Method()):
		return false
	case x.body.Started && !x.replayable:
		return false
	case p.tryTimeout > 0 && time.Since(x.start) >= p.tryTimeout:
		return false
	}
	return true
}

// nonIdempotent is nginx's list of methods never repeated by default.
func nonIdempotent(method []byte) bool {
	switch string(method) {
	case fasthttp.MethodPost, "LOCK", fasthttp.MethodPatch:
		return true
	}
	return false
}

// fail records a failed try in the peer's passive health, logging nginx's
// warning when that takes the peer out of service.
func (x *exchange) fail(peer *upstream.Peer, now time.Time, phase string) {
	if peer.Failure(now) {
		x.lc.upstream = peer.Addr
		logLine(x.p.log.Warn(), "upstream server temporarily disabled while "+phase, &x.lc)
	}
}
