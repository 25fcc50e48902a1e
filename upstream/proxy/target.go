package proxy

import (
	"bytes"
	"context"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/address"
	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/resolver"
	"github.com/gw-proxy/gw/upstream/transport"
)

// varTarget is a proxy_pass whose URL holds variables, evaluated per
// request as nginx's ngx_http_proxy_eval and ngx_http_upstream_init_request
// do:
//
//   - the value must start with http:// or https:// (else 500, "invalid URL
//     prefix in ..."); the host part ends at the first '/' or '?';
//   - a host without a port that names an upstream block (case-insensitively)
//     goes to that upstream through the proxy built for it with the
//     configuration, so balancer, keepalive, session_sticky and health are
//     those of a literal proxy_pass to it; a host with a port never names
//     an upstream block (nginx compares the port, 0 for a block);
//   - an address literal is proxied to directly, and a host name is looked
//     up through the location's resolver (none: 502, "no resolver defined
//     to resolve NAME"; a failure: 502, "NAME could not be resolved (...)");
//   - with a URI part, that URI is sent as it is, without the request's
//     arguments (a "?args" alone gets a "/" before it); without one, the
//     client's request URI, as for a literal proxy_pass without a URI.
type varTarget struct {
	url *vars.Template
	// named[s] are the proxies of this location to each upstream block,
	// by lower-cased name, for scheme s (0 http, 1 https); nil for a
	// scheme the URL cannot start with.
	named  [2]map[string]*Proxy
	direct [2]directCache

	resolver *resolver.Resolver // nil: no resolver directive
	timeout  time.Duration      // resolver_timeout
	log      zerolog.Logger

	// literal are the implicit upstreams of the configuration's literal
	// proxy_pass lines by lower-cased "host:port", which nginx matches
	// before resolving (ngx_http_upstream_init_request looks through every
	// upstream, implicit ones included). Indexed on first use: the
	// Builder's map is complete once the runtime serves.
	literal     map[string]*upstream.Upstream
	literalOnce sync.Once
	builder     *Builder
}

// varProxy compiles a location's proxy_pass with variables: the proxies to
// every upstream block are built now, once; those to addresses when a
// value first names them.
func (b *Builder) varProxy(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass) (*Proxy, error) {
	v := &varTarget{url: pp.Vars, timeout: st.ResolverTimeout, log: b.opts.Log, builder: b}
	if rc := st.Resolver; rc != nil {
		v.resolver = b.resolver(rc)
	}
	src := strings.ToLower(pp.URL)
	for si, scheme := range []string{vars.SchemeHTTP, vars.SchemeHTTPS} {
		other := "https://"
		if si == 1 {
			other = "http://"
		}
		if strings.HasPrefix(src, other) {
			continue // this scheme is written in the URL, not evaluated
		}
		v.named[si] = make(map[string]*Proxy, len(pp.Upstreams))
		for _, u := range pp.Upstreams {
			up, err := b.Upstream(u)
			if err != nil {
				return nil, err
			}
			tp := &conf.ProxyPass{Pos: pp.Pos, URL: pp.URL, Vars: pp.Vars, Scheme: scheme,
				Host: u.Name, ProxyHost: u.Name, Upstream: u}
			p, err := b.proxyTo(loc, st, tp, up)
			if err != nil {
				return nil, err
			}
			v.named[si][strings.ToLower(u.Name)] = p
		}
		d := &v.direct[si]
		d.build = func(host, proxyHost string, addrs []string, up *upstream.Upstream) (*Proxy, []*transport.Client) {
			return b.directProxy(loc, st, pp, scheme, host, proxyHost, addrs, up)
		}
	}
	return &Proxy{pp: pp, vt: v, log: b.opts.Log}, nil
}

// resolver returns the runtime's resolver for a resolver directive, one
// per directive so that the locations inheriting it share its answers.
func (b *Builder) resolver(rc *conf.Resolver) *resolver.Resolver {
	if b.resolvers == nil {
		b.resolvers = map[*conf.Resolver]*resolver.Resolver{}
	}
	r := b.resolvers[rc]
	if r == nil {
		r = resolver.New(rc.Addrs, rc.Valid, rc.IPv4, rc.IPv6)
		b.resolvers[rc] = r
	}
	return r
}

// directMaxFails: a value's addresses are nginx's per-request round-robin
// peers (ngx_http_upstream_create_round_robin_peer), whose failures are
// forgotten with the request; gw keeps the peers for the next request, so
// it must not let one failure shut an address out of the requests after.
const directMaxFails = 0

// directProxy builds the proxy to the addresses of a value's host, or to
// the implicit upstream lit of a literal proxy_pass naming the same
// host:port. It runs while requests are served: nothing of the Builder
// that is not safe for that (its maps) is written.
func (b *Builder) directProxy(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass, scheme, host, proxyHost string, addrs []string, lit *upstream.Upstream) (*Proxy, []*transport.Client) {
	up := lit
	if up == nil {
		u := &upstreamconf.Config{Pos: pp.Pos, Name: host}
		for _, a := range addrs {
			u.Servers = append(u.Servers, &upstreamconf.Server{Pos: pp.Pos, Name: host, Addr: a,
				Weight: 1, MaxFails: directMaxFails, FailTimeout: implicitFailTimeout})
		}
		// Their own state store: these peers are no configuration's, and a
		// reload must neither keep nor share them.
		var err error
		if up, err = upstream.NewUpstream(u, upstream.NewStateStore()); err != nil {
			return nil, nil
		}
	}
	tp := &conf.ProxyPass{Pos: pp.Pos, URL: pp.URL, Vars: pp.Vars, Scheme: scheme, Host: host, ProxyHost: proxyHost, Addrs: addrs}
	p := newProxy(loc, st, tp, up, b.opts.Log)
	p.tunnel = newTunnelRules(st, b.opts.Tunnels)
	var owned []*transport.Client
	k := p.clientKey(st, tp)
	for _, peer := range up.Peers {
		k.Addr = peer.Addr
		if lit != nil {
			// The literal proxy_pass's own pools, kept by reloads as its.
			p.clients = append(p.clients, b.opts.Pools.Client(k))
			continue
		}
		c, own := b.opts.Pools.Detached(k)
		if own {
			owned = append(owned, c)
		}
		p.clients = append(p.clients, c)
	}
	return p, owned
}

// urlBufs hold evaluated URLs: the value lives only until the exchange has
// copied its URI.
var urlBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// serve evaluates the URL and proxies to what it names; see varTarget.
func (v *varTarget) serve(ctx *fasthttp.RequestCtx, r *vars.Request) int {
	bp := urlBufs.Get().(*[]byte)
	defer urlBufs.Put(bp)
	*bp = v.url.Append((*bp)[:0], r)
	url := *bp
	si, rest := splitScheme(url)
	if si < 0 {
		return v.fail(ctx, r, fasthttp.StatusInternalServerError, "invalid URL prefix in \"", url, "\"")
	}
	host, uri := rest, []byte(nil)
	if i := bytes.IndexAny(rest, "/?"); i >= 0 {
		host, uri = rest[:i], rest[i:]
	}
	if len(host) == 0 {
		return v.fail(ctx, r, fasthttp.StatusInternalServerError, "no host in upstream \"", rest, "\"")
	}
	if bytes.IndexByte(host, ':') < 0 && v.named[si] != nil {
		// The lower-cased name goes after the value in the same buffer,
		// which the map lookup reads without making a string.
		low := appendLower(url[len(url):], host)
		if p := v.named[si][string(low)]; p != nil {
			// $proxy_host is the host as evaluated (ngx_http_proxy_set_vars);
			// the block's own spelling saves a copy when they agree.
			r.ProxyHost, r.ProxyPort = p.pp.ProxyHost, p.proxyPort
			if string(host) != p.pp.ProxyHost {
				r.ProxyHost = string(host)
			}
			return p.run(ctx, r, fixURI(url, uri))
		}
	}
	p, status := v.directTarget(ctx, r, si, host, rest)
	if p == nil {
		return status
	}
	return p.serve(ctx, r, fixURI(url, uri))
}

// fixURI is nginx's rule for a URI part that starts with '?': a '/' goes
// before it. It is built after the value in buf's spare room.
func fixURI(buf, uri []byte) []byte {
	if len(uri) == 0 || uri[0] != '?' {
		return uri
	}
	out := append(buf[len(buf):], '/')
	return append(out, uri...)
}

// splitScheme returns 0 for http://, 1 for https:// (case-insensitive,
// with something after it, as nginx requires) and the rest, or -1.
func splitScheme(url []byte) (int, []byte) {
	for si, s := range [2]string{"http://", "https://"} {
		if len(url) > len(s) && bytes.EqualFold(url[:len(s)], []byte(s)) {
			return si, url[len(s):]
		}
	}
	return -1, nil
}

func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// directTarget is the proxy to a value's host that is not an upstream
// block: its address, or its name's addresses. A nil proxy comes with the
// status gw answers, its reason logged.
func (v *varTarget) directTarget(ctx *fasthttp.RequestCtx, r *vars.Request, si int, host, rest []byte) (*Proxy, int) {
	hp := string(host)
	name, ip, port, reason := address.SplitUpstream(hp)
	if reason != "" {
		return nil, v.fail(ctx, r, fasthttp.StatusInternalServerError, reason+" in upstream \"", rest, "\"")
	}
	def := uint16(80)
	if si == 1 {
		def = 443
	}
	proxyHost := hp
	if _, ps, hasPort := address.SplitHostPort(hp); !hasPort {
		port = def
	} else if port == def {
		// $proxy_host omits the scheme's default port (ngx_http_proxy_set_vars).
		proxyHost = strings.TrimSuffix(hp, ":"+ps)
	}
	d := &v.direct[si]
	if d.build == nil {
		return nil, v.fail(ctx, r, fasthttp.StatusInternalServerError, "invalid URL prefix in \"", rest, "\"")
	}
	hostKey := strings.ToLower(name) + ":" + strconv.Itoa(int(port))
	if lit := v.literalUpstream(hostKey); lit != nil {
		return d.get(hostKey, proxyHost, nil, lit), 0
	}
	if ip.IsValid() {
		addr := netip.AddrPortFrom(ip, port).String()
		return d.get(hostKey, proxyHost, []string{addr}, nil), 0
	}
	if v.resolver == nil {
		return nil, v.fail(ctx, r, fasthttp.StatusBadGateway, "no resolver defined to resolve ", []byte(name), "")
	}
	lctx, cancel := context.WithTimeout(context.Background(), v.timeout)
	ips, err := v.resolver.Lookup(lctx, name)
	cancel()
	if err != nil {
		return nil, v.fail(ctx, r, fasthttp.StatusBadGateway, name+" could not be resolved (", []byte(err.Error()), ")")
	}
	addrs := make([]string, 0, len(ips))
	for _, a := range ips {
		addrs = append(addrs, netip.AddrPortFrom(a.Unmap(), port).String())
	}
	return d.get(hostKey, proxyHost, addrs, nil), 0
}

// literalUpstream returns the implicit upstream of a literal proxy_pass
// to host:port (lower-cased), or nil.
func (v *varTarget) literalUpstream(hostPort string) *upstream.Upstream {
	v.literalOnce.Do(func() {
		v.literal = map[string]*upstream.Upstream{}
		for host, up := range v.builder.implicit {
			if len(up.Peers) == 0 {
				continue
			}
			h, port, hasPort := address.SplitHostPort(host)
			if !hasPort {
				_, port, _ = address.SplitHostPort(up.Peers[0].Addr)
			}
			v.literal[strings.ToLower(h)+":"+port] = up
		}
	})
	return v.literal[hostPort]
}

// fail logs nginx's line (before + value + after, with the request's
// context) at error level and returns status.
func (v *varTarget) fail(ctx *fasthttp.RequestCtx, r *vars.Request, status int, before string, value []byte, after string) int {
	msg := make([]byte, 0, len(before)+len(value)+len(after))
	msg = append(append(append(msg, before...), value...), after...)
	logLine(v.log.Error(), string(msg), &logContext{ctx: ctx, server: r.ServerName})
	return status
}
