package proxy

import (
	"time"

	"github.com/gw-proxy/gw/upstream"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf"
	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/resolver"
	"github.com/gw-proxy/gw/upstream/transport"
	"github.com/gw-proxy/gw/upstream/tunnel"
)

// Options are what the proxies of one runtime share.
type Options struct {
	// Pools holds the peers' connection pools across reloads; nil gives
	// the runtime pools of its own.
	Pools *transport.Pools
	// Store holds the peers' shared state across reloads; nil gives the
	// runtime a store of its own (state is then not kept by a reload).
	Store *upstream.StateStore
	// Log receives nginx's error-log lines about upstreams.
	Log zerolog.Logger
	// Persistence returns the session persistence of an upstream, or nil
	// for none (persist.Sticky: session_sticky). The builder calls it
	// once per upstream and shares the result between the locations that
	// proxy there, each with its own persist.Scope. A nil Persistence means
	// no upstream has any.
	Persistence func(up *upstream.Upstream) (persist.Persistence, error)
	// Zones keeps sticky learn's tables across reloads; nil gives the
	// runtime fresh ones.
	Zones *persist.Zones
	// Tunnels tracks the upgraded connections (WebSocket) the proxies
	// open, for a graceful stop; nil tracks none.
	Tunnels *tunnel.Tunnels
}

// Builder compiles the proxies of one runtime. It builds each upstream
// block once (NewUpstream), and for a proxy_pass to a literal host:port
// the implicit upstream nginx makes of its addresses (round robin, weight
// 1, max_fails 1, fail_timeout 10s), shared by every location naming the
// same host. A Builder is used by one goroutine while a runtime is built.
type Builder struct {
	opts      Options
	upstreams map[*upstreamconf.Config]*upstream.Upstream
	implicit  map[string]*upstream.Upstream
	order     []*upstream.Upstream
	persist   map[*upstream.Upstream]persist.Persistence
	resolvers map[*conf.Resolver]*resolver.Resolver
}

// NewBuilder returns a builder for one runtime.
func NewBuilder(opts Options) *Builder {
	if opts.Pools == nil {
		opts.Pools = transport.NewPools()
	}
	if opts.Store == nil {
		opts.Store = upstream.NewStateStore()
	}
	return &Builder{opts: opts, upstreams: map[*upstreamconf.Config]*upstream.Upstream{}, implicit: map[string]*upstream.Upstream{},
		persist: map[*upstream.Upstream]persist.Persistence{}}
}

// Upstreams returns every upstream the builder made, in order of first use.
func (b *Builder) Upstreams() []*upstream.Upstream { return b.order }

// Commit is called once the runtime built with b serves: the state store
// forgets servers no upstream of this runtime has, and the pools drop the
// connection pools no proxy of this runtime uses.
func (b *Builder) Commit() {
	b.opts.Store.Retain(b.order...)
	b.opts.Pools.Prune()
}

// Upstream returns the runtime's Upstream for an upstream block, building
// it on first use.
func (b *Builder) Upstream(u *upstreamconf.Config) (*upstream.Upstream, error) {
	if up := b.upstreams[u]; up != nil {
		return up, nil
	}
	up, err := upstream.NewUpstream(u, b.opts.Store)
	if err != nil {
		return nil, err
	}
	b.upstreams[u] = up
	b.order = append(b.order, up)
	return up, nil
}

// Implicit upstream parameters: nginx's defaults for a server directive.
const (
	implicitMaxFails    = 1
	implicitFailTimeout = 10 * time.Second
)

// implicitUpstream is nginx's upstream for proxy_pass http://host:port.
func (b *Builder) implicitUpstream(pp *conf.ProxyPass) (*upstream.Upstream, error) {
	if up := b.implicit[pp.Host]; up != nil {
		return up, nil
	}
	u := &upstreamconf.Config{Pos: pp.Pos, Name: pp.Host}
	for _, a := range pp.Addrs {
		u.Servers = append(u.Servers, &upstreamconf.Server{
			Pos: pp.Pos, Name: pp.Host, Addr: a,
			Weight: 1, MaxFails: implicitMaxFails, FailTimeout: implicitFailTimeout,
		})
	}
	up, err := upstream.NewUpstream(u, b.opts.Store)
	if err != nil {
		return nil, err
	}
	b.implicit[pp.Host] = up
	b.order = append(b.order, up)
	return up, nil
}

// Proxy compiles the proxy_pass of loc with loc.Settings; it returns nil
// and no error when the location has no proxy_pass.
func (b *Builder) Proxy(loc *conf.Location) (*Proxy, error) {
	st := loc.Settings
	pp := st.ProxyPass
	if pp == nil {
		return nil, nil
	}
	if pp.Vars != nil {
		return b.varProxy(loc, st, pp)
	}
	var up *upstream.Upstream
	var err error
	if pp.Upstream != nil {
		up, err = b.Upstream(pp.Upstream)
	} else {
		up, err = b.implicitUpstream(pp)
	}
	if err != nil {
		return nil, err
	}
	return b.proxyTo(loc, st, pp, up)
}

// proxyTo compiles the proxy of loc to up: the location's rules, the
// upstream's persistence, one pool per peer.
func (b *Builder) proxyTo(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass, up *upstream.Upstream) (*Proxy, error) {
	p := newProxy(loc, st, pp, up, b.opts.Log)
	p.tunnel = newTunnelRules(st, b.opts.Tunnels)
	var err error
	if p.persist, err = b.persistence(up); err != nil {
		return nil, err
	}
	if p.persist != nil {
		p.scope = persist.NewScope(&st.Sticky, up.Name())
	}
	k := p.clientKey(st, pp)
	for _, peer := range up.Peers {
		k.Addr = peer.Addr
		p.clients = append(p.clients, b.opts.Pools.Client(k))
	}
	return p, nil
}

// persistence returns the upstream's session persistence, made on first
// use: session_sticky's sids and Set-Cookie parts are compiled once per
// upstream, whatever the number of locations proxying there.
func (b *Builder) persistence(up *upstream.Upstream) (persist.Persistence, error) {
	if b.opts.Persistence == nil {
		return nil, nil
	}
	if p, ok := b.persist[up]; ok {
		return p, nil
	}
	p, err := b.opts.Persistence(up)
	if err != nil {
		return nil, err
	}
	b.persist[up] = p
	return p, nil
}
