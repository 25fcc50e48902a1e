package proxy

import (
	"bytes"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/proxy/body"
	"github.com/gw-proxy/gw/upstream/tunnel"
)

// Upgrade handshakes, WebSocket's among them (RFC 9110 section 7.8, RFC 6455
// section 4).
//
// Which handshakes cross. nginx clears Upgrade like every hop-by-hop header,
// and an operator opts a location in with the documented recipe
//
//	proxy_http_version 1.1;
//	proxy_set_header Upgrade $http_upgrade;
//	proxy_set_header Connection "upgrade";
//
// gw also lets Upgrade cross on a WebSocket handshake [gw]: a
// WebSocket application behind gw works without the recipe, which operators
// forget as often as the keepalive lines, while other protocols (h2c, tcp)
// still need it. So a request without a body, over HTTP/1.1, is a handshake
// when a proxy_set_header Upgrade line gives it a value (the recipe, any
// protocol, as nginx), or when it is a GET whose Connection names "upgrade"
// and whose Upgrade lists "websocket" (RFC 6455's handshake). Any other
// request is proxied the normal way and never with an Upgrade line, the
// recipe's included: an upstream that switched would leave gw a connection
// it does not splice (HTTP/1.0 has no switch, RFC 9110 says to ignore
// Upgrade there, and no protocol gw knows of sends a body first).
//
// How. The handshake goes through the one retry loop like any request, but
// on a connection gw dials itself with the peer pool's dialer (a pool cannot
// give a connection away for good), so proxy_connect_timeout, TLS, the idle
// read and send timeouts and proxy_next_upstream all apply. It is sent as
// HTTP/1.1 whatever proxy_http_version says, with the location's header
// rules, then "Upgrade: P" and "Connection: upgrade" in place of any
// Connection line. A 101 goes to the client with the upstream's headers
// (Sec-WebSocket-Accept and the rest, after proxy_hide_header) and the
// connections are spliced (tunnel.go); any other answer goes to the
// client as a normal response.

// tunnelRules is what a location's handshakes and tunnels need beyond the
// proxy.
type tunnelRules struct {
	tunnel.Rules
	// upgradeName is the name, as written, of the location's
	// proxy_set_header Upgrade line (the recipe), nil without one.
	upgradeName []byte
}

func newTunnelRules(st *conf.Settings, reg *tunnel.Tunnels) tunnelRules {
	r := tunnelRules{Rules: tunnel.Rules{Registry: reg, Idle: st.ProxyReadTimeout, ClientSend: st.SendTimeout}}
	for _, s := range st.ProxySetHeaders {
		if r.upgradeName == nil && strings.EqualFold(s.Name, "upgrade") {
			r.upgradeName = []byte(s.Name)
		}
	}
	return r
}

var strUpgradeToken = []byte("upgrade")

// offerUpgrade makes x a handshake (x.tun set) when the request is one,
// see above, and otherwise takes the recipe's Upgrade line out of x.out. It
// runs after prepare, which built x.out and collected the client's
// Connection tokens in x.tokens: for most requests it costs a look at those
// tokens and, in a location with the recipe, at x.out's Upgrade line.
func (x *exchange) offerUpgrade() {
	rules := &x.p.tunnel
	var proto []byte // what the Upgrade line says
	if rules.upgradeName != nil {
		proto = x.out.Header.PeekBytes(rules.upgradeName)
	}
	asked := x.tokens.has(strUpgradeToken)
	if len(proto) == 0 && !asked {
		return
	}
	in := &x.ctx.Request.Header
	if n := in.ContentLength(); in.IsHTTP11() && (n == 0 || n == body.None) {
		if len(proto) == 0 && in.IsGet() {
			if v := clientUpgrade(in); vars.HasToken(v, "websocket") {
				proto = v
			}
		}
		if len(proto) > 0 {
			x.tun = tunnel.New(x.handshakeHead(proto))
			return
		}
	}
	if len(proto) > 0 {
		x.out.Header.DelBytes(rules.upgradeName)
	}
}

// handshakeHead returns the request head of a handshake asking for proto:
// x.out as prepare built it, on an HTTP/1.1 request line, without its
// Connection and Upgrade lines, followed by "Upgrade: proto" and
// "Connection: upgrade".
func (x *exchange) handshakeHead(proto []byte) []byte {
	h := &x.out.Header
	raw := h.AppendBytes(x.buf[:0])
	x.buf = raw
	head := make([]byte, 0, len(raw)+len(proto)+40)
	head = append(head, h.Method()...)
	head = append(head, ' ')
	head = append(head, h.RequestURI()...)
	head = append(head, " HTTP/1.1\r\n"...)
	for rest := raw[bytes.IndexByte(raw, '\n')+1:]; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		name, _, _ := bytes.Cut(line, []byte{':'})
		switch {
		case len(bytes.TrimSpace(line)) == 0: // the end of the head: ours follows
		case equalFold(name, "connection"), equalFold(name, "upgrade"):
		default:
			head = append(head, line...)
		}
	}
	head = append(head, "Upgrade: "...)
	head = append(head, proto...)
	return append(head, "\r\nConnection: upgrade\r\n\r\n"...)
}

// clientUpgrade is the value of the client's first Upgrade line.
func clientUpgrade(in *fasthttp.RequestHeader) []byte {
	var v []byte
	vars.EachRequestHeader(in, func(name, value []byte) {
		if v == nil && equalFold(name, "upgrade") {
			v = value
		}
	})
	return v
}

// tryUpgrade is try for a handshake: it dials peer with its pool's dialer,
// sends the handshake and reads the response head into x.resp, recording
// the try for the $upstream_* variables. A 101 leaves the connection, and
// whatever the peer sent after the head, to the tunnel; another answer
// streams its body from the connection, which the exchange closes when it
// ends. The previous try's connection, if any, is closed first.
func (x *exchange) tryUpgrade(peer *upstream.Peer) tryResult {
	tn := x.tun
	tn.CloseUpstream()
	hc := x.p.clients[peer.Index()]
	t := x.r.AddUpstreamTry(peer.Addr)
	start := time.Now()
	x.tryStart = start
	conn, err := hc.Dial(peer.Addr)
	if err != nil {
		f := classify(err, nil)
		t.Status = f.status()
		t.ResponseTime = time.Since(start)
		return tryResult{kind: outFailure, f: f}
	}
	tn.SetUpstream(conn)
	t.ConnectTime = tn.Raw().DialTime()
	if _, err = conn.Write(tn.Head()); err == nil {
		// Names as sent, no Content-Type the upstream did not send,
		// and the body (of an answer that is not a 101) left to stream.
		x.resp.Header.DisableNormalizing()
		x.resp.Header.SetNoDefaultContentType(true)
		x.resp.StreamBody = true
		err = x.resp.Read(tn.Reader())
		if err == nil {
			x.upHead.FromFasthttp(&x.resp.Header)
		}
	}
	if err != nil {
		f := classify(err, tn.Raw())
		t.Status = f.status()
		t.ResponseTime = time.Since(start)
		t.BytesSent, t.BytesReceived = tn.Raw().Traffic()
		tn.CloseUpstream()
		return tryResult{kind: outFailure, f: f}
	}
	elapsed := time.Since(start)
	t.Status = x.resp.StatusCode()
	t.HeaderTime, t.ResponseTime = elapsed, elapsed
	t.BytesSent, t.BytesReceived = tn.Raw().Traffic()
	return tryResult{kind: outResponse}
}

// switching reports whether the response about to be delivered switches a
// handshake's connection to the new protocol.
func (x *exchange) switching() bool {
	return x.tun != nil && x.resp.StatusCode() == fasthttp.StatusSwitchingProtocols
}

// startTunnel answers a handshake with the upstream's 101 and hands the
// exchange over to the tunnel. deliver has copied the upstream's header
// through the location's rules, which drop hop-by-hop lines: the switch
// needs its Upgrade and Connection back.
//
// fasthttp is told not to write the response (HijackSetNoResponse): it
// would close instead of hijacking a connection it means to close after
// the response (keepalive_requests reached, a server shutting down), and
// the tunnel would never start nor end. splice writes the 101 itself, from
// the same ctx.Response, once cmd/gw has added Server and add_header lines.
func (x *exchange) startTunnel() int {
	h := &x.ctx.Response.Header
	for k, v := range x.upHead.All() {
		if equalFold(k, "upgrade") {
			h.AddBytesKV(k, v)
			break
		}
	}
	h.AddBytesKV(strConnection, strUpgradeToken)
	// The response time of a handshake is its 101's: the tunnel's life
	// after it is no response time.
	x.respEnd = time.Since(x.tryStart)
	x.handedOver = true
	x.r.UpstreamHeader = &x.upHead
	x.ender = x.r.TakeEnder()
	x.p.tunnel.Registry.Add(x.tun)
	x.ctx.HijackSetNoResponse(true)
	x.ctx.Hijack(x.splice)
	return 0
}
