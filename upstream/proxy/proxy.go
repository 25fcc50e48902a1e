package proxy

import (
	"net"
	"strings"
	"time"

	"github.com/gw-proxy/gw/upstream"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/proxy/rewrite"
	"github.com/gw-proxy/gw/upstream/transport"
)

// Proxy is the compiled proxy_pass of one location: its upstream, one
// connection pool per peer, and the URI, header, retry and timeout rules of
// the location's settings. It is immutable and safe for concurrent use;
// Serve handles one request.
type Proxy struct {
	pp *conf.ProxyPass
	up *upstream.Upstream
	// clients[i] is the pool of up.Peers[i].
	clients []*transport.Client
	log     zerolog.Logger

	scheme    string // vars.SchemeHTTP or vars.SchemeHTTPS
	proxyPort string // $proxy_port

	uri         rewrite.URI
	headers     requestHeaders
	respHeaders responseHeaders

	next       conf.NextUpstream
	tries      int // proxy_next_upstream_tries capped by the peer count
	tryTimeout time.Duration

	keepalive         int // the upstream's keepalive N
	keepaliveRequests int

	method  *vars.Template // proxy_method; nil: the client's
	setBody *vars.Template // proxy_set_body; nil: the client's body
	noBody  bool           // proxy_pass_request_body off

	maxBody          int64  // client_max_body_size; 0: unlimited
	bodyBuffer       int64  // client_body_buffer_size
	tempPath         string // client_body_temp_path
	requestBuffering bool
	// ignoreClientAbort is proxy_ignore_client_abort: a client that
	// leaves does not end the upstream request.
	ignoreClientAbort bool
	flush             bool // proxy_buffering off
	intercept         []int
	hashKey           *vars.Template // hash KEY, nil for other balancers
	ipHash            bool

	persist persist.Persistence
	tunnel  tunnelRules // Upgrade handshakes and their tunnels
	// vt is set for a proxy_pass with variables, which Serve hands each
	// request to; the fields above are then unset (target.go).
	vt    *varTarget
	scope persist.Scope // the location's part of persist
}

// newProxy compiles the per-request rules of a location.
func newProxy(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass, up *upstream.Upstream, log zerolog.Logger) *Proxy {
	uc := up.Conf
	p := &Proxy{
		pp: pp, up: up, log: log,
		scheme:            pp.Scheme,
		proxyPort:         proxyPort(pp),
		uri:               rewrite.NewURI(loc, pp),
		headers:           newRequestHeaders(st, uc.Keepalive > 0),
		respHeaders:       newResponseHeaders(loc, st, pp),
		next:              st.ProxyNextUpstream,
		tries:             len(up.Peers),
		tryTimeout:        st.ProxyNextUpstreamTimeout,
		keepalive:         uc.Keepalive,
		keepaliveRequests: uc.KeepaliveRequests,
		maxBody:           st.ClientMaxBodySize,
		bodyBuffer:        st.ClientBodyBufferSize,
		tempPath:          st.ClientBodyTempPath,
		requestBuffering:  st.ProxyRequestBuffering,
		ignoreClientAbort: st.ProxyIgnoreClientAbort,
		flush:             !st.ProxyBuffering,
		method:            st.ProxyRequest.Method,
		setBody:           st.ProxyRequest.Body,
		noBody:            st.ProxyRequest.NoClientBody,
	}
	if n := st.ProxyNextUpstreamTries; n > 0 && n < p.tries {
		p.tries = n
	}
	if st.ProxyInterceptErrors {
		for _, ep := range st.ErrorPages {
			p.intercept = append(p.intercept, ep.Codes...)
		}
	}
	switch uc.Balancer.Kind {
	case upstreamconf.Hash:
		p.hashKey = uc.Balancer.Key
	case upstreamconf.IPHash:
		p.ipHash = true
	}
	return p
}

// proxyPort is $proxy_port: the port of a literal host, or the scheme's
// default for an upstream name and a host without one.
func proxyPort(pp *conf.ProxyPass) string {
	if pp.Upstream == nil {
		if _, port, err := net.SplitHostPort(pp.Host); err == nil {
			return port
		}
	}
	if pp.Scheme == vars.SchemeHTTPS {
		return "443"
	}
	return "80"
}

// clientKey is the part of every peer's pool key that comes from the
// location; the address is filled in per peer.
func (p *Proxy) clientKey(st *conf.Settings, pp *conf.ProxyPass) transport.Key {
	uc := p.up.Conf
	k := transport.Key{
		TLS:     pp.Scheme == vars.SchemeHTTPS,
		Connect: st.ProxyConnectTimeout, Read: st.ProxyReadTimeout, Send: st.ProxySendTimeout,
	}
	if uc.Keepalive > 0 {
		// Without keepalive the other two shape nothing: leave them out so
		// that such pools are shared.
		k.Keepalive, k.KeepaliveTimeout, k.KeepaliveRequests = uc.Keepalive, uc.KeepaliveTimeout, uc.KeepaliveRequests
	}
	if !k.TLS {
		return k
	}
	k.NoSessionReuse = st.ProxyRequest.NoSSLSessionReuse
	name := sslName(st, pp)
	if st.ProxySSLServerName {
		k.ServerName = name
	}
	if st.ProxySSLVerify {
		k.VerifyName = name
	}
	return k
}

// sslName is proxy_ssl_name ($proxy_host by default) without a port, as
// nginx strips it. Its variables are evaluated once, with only $proxy_host
// and $proxy_port known: the name shapes pooled connections.
func sslName(st *conf.Settings, pp *conf.ProxyPass) string {
	name := pp.ProxyHost
	if st.ProxySSLName != nil {
		name = string(st.ProxySSLName.Append(nil, &vars.Request{ProxyHost: pp.ProxyHost, ProxyPort: proxyPort(pp)}))
	}
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	return strings.Trim(name, "[]")
}

// Upstream returns the upstream the proxy sends requests to.
func (p *Proxy) Upstream() *upstream.Upstream { return p.up }

// Serve proxies one request. When an upstream answered, its response is in
// ctx (its body possibly still streaming when Serve returns) and Serve
// returns 0. When gw must answer itself it returns the status: 502 (no
// live upstreams, connect or protocol errors), 504 (timeouts), 413
// (client_max_body_size), 400/408 (the client's body failed), 503 (the
// upstream's queue could not place it), an intercepted upstream error
// status (proxy_intercept_errors), so that the caller's error_page logic
// answers. ctx.Response is then left alone but for a Set-Cookie its
// persistence asked for (session_sticky clearing a cookie it refuses) and
// an intercepted 401, which carries the upstream's WWW-Authenticate lines:
// the caller's answer must keep them.
//
// r must be the request's variables; Serve sets $proxy_host, $proxy_port,
// the $upstream_* tries and UpstreamHeader. A request served again (an
// error_page redirect) keeps its earlier tries, which the $upstream_*
// variables set apart with " : ", as nginx does. The caller may evaluate r (the
// access log) after Serve returns and reset it then: nothing Serve leaves
// running touches r.
func (p *Proxy) Serve(ctx *fasthttp.RequestCtx, r *vars.Request) int {
	if p.vt != nil {
		return p.vt.serve(ctx, r)
	}
	return p.serve(ctx, r, nil)
}

// serve proxies one request; uri, when not nil, is the request target to
// send (a proxy_pass value's URI part) instead of the one p.uri makes.
func (p *Proxy) serve(ctx *fasthttp.RequestCtx, r *vars.Request, uri []byte) int {
	r.ProxyHost, r.ProxyPort = p.pp.ProxyHost, p.proxyPort
	return p.run(ctx, r, uri)
}

// run is serve once $proxy_host and $proxy_port are set.
func (p *Proxy) run(ctx *fasthttp.RequestCtx, r *vars.Request, uri []byte) int {
	x := acquireExchange(p, ctx, r)
	if uri != nil {
		x.uri, x.fixedURI = append(x.uri[:0], uri...), true
	}
	if status := x.prepare(); status != 0 {
		x.release()
		return status
	}
	// Where nginx starts its upstream (ngx_http_upstream_init_request,
	// once the body is dealt with): a second proxying of the request, by
	// an error_page redirect, is set apart from the first's tries.
	r.StartUpstream()
	// A WebSocket handshake (Upgrade) branches off here:
	// the same retry loop sends it on a connection of its own, and a 101
	// is spliced to the client's (websocket.go).
	x.offerUpgrade()
	return x.run()
}
