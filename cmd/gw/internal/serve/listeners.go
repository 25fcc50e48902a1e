package serve

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/fastserver"
	"github.com/gw-proxy/gw/cmd/gw/internal/edge"
	"github.com/gw-proxy/gw/cmd/gw/internal/edge/proxyproto"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/location"
	"github.com/gw-proxy/gw/upstream/proxy"
)

// The proxy watches a client that may leave while an upstream is awaited
// only if the client's connection is a proxy.ClientWatcher, which it finds
// out by a type assertion at run time. edge does not import the proxy, so
// this is where the compiler checks that edge.Conn still is one.
var _ proxy.ClientWatcher = (*edge.Conn)(nil)

// binding ties a listener to the runtime currently serving it and to the
// socket's index in that runtime's router. A reload replaces the binding,
// never mutates it.
type binding struct {
	rt     *runtime
	sock   int
	scheme string
	ln     *requestStats // the listener's counters; nil in tests
}

// count records a request answered with status on the binding's listener,
// in the process's total and in srv's block (nil when none was chosen).
func (b *binding) count(srv *conf.Server, status int) {
	if b.ln != nil {
		b.ln.count(status)
	}
	rt := b.rt
	if rt.total != nil {
		rt.total.count(status)
	}
	if s := rt.blocks[srv]; s != nil {
		s.count(status)
	}
}

// listener is one bound socket with its fasthttp server. The socket outlives
// reloads that keep its address; the binding changes under it.
type listener struct {
	addr    string
	ln      net.Listener
	edge    *edge.Listener // its connections, counted
	stats   requestStats   // its requests, across reloads
	srv     *fasthttp.Server
	binding atomic.Pointer[binding]
	done    chan struct{} // closed when Serve returns
}

// openListener binds a socket and starts serving it. The fasthttp server's
// connection-level settings come from the socket's default server, as nginx
// takes them from the default server of an address. Connections are
// counted in table against worker_connections.
//
// What the listener logs goes to the error log of the runtime it serves,
// which a reload may change.
func openListener(sock location.Socket, b *binding, table *edge.Table) (*listener, error) {
	ln, err := listen(sock)
	if err != nil {
		return nil, err
	}
	l := &listener{addr: sock.Addr, ln: ln, done: make(chan struct{})}
	b.ln = &l.stats
	l.binding.Store(b)
	served := ln
	if sock.ProxyProtocol {
		// Below TLS: the balancer writes the header before the handshake.
		served = proxyproto.NewListener(served, l.brokenHeader)
	}
	if sock.SSL {
		served = l.tlsListener(served)
	}
	defaults := func() *conf.Settings {
		b := l.binding.Load()
		return b.rt.router.Address(b.sock, sock.AddrPort.Addr()).Default().Settings
	}
	l.edge = edge.NewListener(served, table, func() edge.Timeouts {
		st := defaults()
		return edge.Timeouts{Header: st.ClientHeaderTimeout, Keepalive: st.KeepaliveTimeout,
			Body: st.ClientBodyTimeout, Send: st.SendTimeout}
	})
	served = l.edge
	l.srv = l.newFastServer(defaults())
	l.edge.SetServe(l.srv.ServeConn) // idle connections are parked (edge/park.go)
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(served); err != nil {
			l.log().Error().Err(err).Str("listen", sock.Addr).Msg("listener stopped")
		}
	}()
	return l, nil
}

// newFastServer is the fasthttp server of a listener whose default server
// has settings st: fastserver's options, with hooks that reach the runtime
// through the listener's binding, so a reload changes what they serve.
// Tests build their servers with it too.
func (l *listener) newFastServer(st *conf.Settings) *fasthttp.Server {
	return fastserver.New(st, fastserver.Hooks{
		Handler: func(ctx *fasthttp.RequestCtx) { l.binding.Load().handle(ctx) },
		ErrorHandler: func(ctx *fasthttp.RequestCtx, err error) {
			badRequest(*l.log(), ctx, err)
			l.binding.Load().count(nil, ctx.Response.StatusCode())
		},
		ExpectHandler: func(ctx *fasthttp.RequestCtx) int { return l.binding.Load().expect(ctx, *l.log()) },
		Logger:        fasthttpLogger{l},
	})
}

// log is the error log of the runtime the listener serves.
func (l *listener) log() *zerolog.Logger { return &l.binding.Load().rt.log }

// close stops accepting and waits up to grace for in-flight requests.
func (l *listener) close(grace time.Duration) {
	done := make(chan struct{})
	go func() { _ = l.srv.Shutdown(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = l.ln.Close()
	}
}
