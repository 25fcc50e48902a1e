package main

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/location"
)

// binding ties a listener to the runtime currently serving it and to the
// socket's index in that runtime's router. A reload replaces the binding,
// never mutates it.
type binding struct {
	rt     *runtime
	sock   int
	scheme string
}

// listener is one bound socket with its fasthttp server. The socket outlives
// reloads that keep its address; the binding changes under it.
type listener struct {
	addr    string
	ln      net.Listener
	srv     *fasthttp.Server
	binding atomic.Pointer[binding]
	done    chan struct{} // closed when Serve returns
}

// openListener binds a socket and starts serving it. The fasthttp server's
// connection-level settings come from the socket's default server, as nginx
// takes them from the default server of an address.
func openListener(sock location.Socket, b *binding, log zerolog.Logger, workerConnections int) (*listener, error) {
	ln, err := listen(sock)
	if err != nil {
		return nil, err
	}
	l := &listener{addr: sock.Addr, ln: ln, done: make(chan struct{})}
	l.binding.Store(b)
	served := ln
	if sock.SSL {
		served = l.tlsListener(ln)
	}
	st := b.rt.router.Address(b.sock, sock.AddrPort.Addr()).Default().Settings
	l.srv = &fasthttp.Server{
		Handler:            func(ctx *fasthttp.RequestCtx) { l.binding.Load().handle(ctx) },
		ErrorHandler:       badRequestHandler(log),
		Concurrency:        workerConnections,
		IdleTimeout:        st.KeepaliveTimeout,
		ReadTimeout:        st.ClientHeaderTimeout,
		WriteTimeout:       st.SendTimeout,
		MaxRequestsPerConn: st.KeepaliveRequests,
		// With StreamRequestBody this is how much of a body fasthttp buffers
		// before handing the rest over as a stream, not a limit:
		// client_max_body_size is enforced per location by the proxy.
		MaxRequestBodySize:            bodyBufferSize,
		ReadBufferSize:                st.LargeClientHeaderBuffers.Number * int(st.LargeClientHeaderBuffers.Size),
		DisableHeaderNamesNormalizing: true, // forward header names byte for byte
		NoDefaultServerHeader:         true, // set per response from server_tokens
		NoDefaultContentType:          true,
		DisablePreParseMultipartForm:  true,
		StreamRequestBody:             true, // uploads go upstream as they arrive
		CloseOnShutdown:               true,
		// Idle keep-alive connections give their read and write buffers
		// back to the pools: with large_client_header_buffers' 32 KiB read
		// buffer, 10,000 idle clients would otherwise hold 320 MiB.
		ReduceMemoryUsage: true,
		Logger:            fasthttpLogger{log},
	}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(served); err != nil {
			log.Error().Err(err).Str("listen", sock.Addr).Msg("listener stopped")
		}
	}()
	return l, nil
}

// bodyBufferSize is fasthttp's MaxRequestBodySize. With StreamRequestBody
// it is no limit: fasthttp reads at most min(bodyBufferSize, 8 KiB) of a
// body before the handler runs (its prefetch) and hands the rest over as a
// stream, so no body is held whole here. What the proxy then keeps in
// memory is bounded by client_body_buffer_size (upstream/proxy_body.go).
const bodyBufferSize = 64 << 10

// badRequestHandler answers requests fasthttp could not parse: nginx's 400
// (or 413/431 for sizes) with its built-in page and an error-log line;
// nothing malformed is ever passed on.
func badRequestHandler(log zerolog.Logger) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		code := fasthttp.StatusBadRequest
		switch err.(type) {
		case *fasthttp.ErrSmallBuffer:
			code = fasthttp.StatusRequestHeaderFieldsTooLarge
		}
		if err == fasthttp.ErrBodyTooLarge {
			code = fasthttp.StatusRequestEntityTooLarge
		}
		log.Info().Err(err).Str("client", ctx.RemoteAddr().String()).Int("status", code).Msg("client sent invalid request")
		ctx.Response.Reset()
		ctx.SetStatusCode(code)
		ctx.Response.Header.SetContentType("text/html")
		ctx.Response.Header.SetServer(serverToken(true))
		ctx.Response.SetConnectionClose()
		ctx.SetBody(statusPage(code, serverToken(true)))
	}
}

// fasthttpLogger routes fasthttp's own messages into the error log.
type fasthttpLogger struct{ log zerolog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.log.Info().Msgf(format, args...)
}

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
