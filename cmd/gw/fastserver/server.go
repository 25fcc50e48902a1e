package fastserver

import (
	"math"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/edge"
	"github.com/gw-proxy/gw/conf"
)

// Hooks are what New leaves to its caller: serve passes closures that
// reach the runtime a listener serves, a test passes its own. A nil hook
// is fasthttp's default.
type Hooks struct {
	// Handler answers a request.
	Handler fasthttp.RequestHandler
	// ErrorHandler answers a request fasthttp could not parse or that
	// edge.HeaderReceived refused; edge.Classify tells which.
	ErrorHandler func(ctx *fasthttp.RequestCtx, err error)
	// ExpectHandler decides whether a request with Expect: 100-continue
	// gets its 100 Continue (fasthttp.StatusContinue) or another status.
	ExpectHandler func(ctx *fasthttp.RequestCtx) int
	// Logger receives fasthttp's own messages.
	Logger fasthttp.Logger
}

// New returns the fasthttp server for a listener whose default server has
// settings st. The connections it serves should come through an
// edge.Listener: edge's hooks keep an edge.Conn informed and leave other
// connections alone, but the client timeouts the comments below rely on
// are edge.Conn's.
func New(st *conf.Settings, h Hooks) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:        h.Handler,
		ErrorHandler:   h.ErrorHandler,
		HeaderReceived: edge.HeaderReceived,
		ExpectHandler:  h.ExpectHandler,
		// worker_connections is enforced by the connection table, which
		// makes room by closing idle connections; fasthttp's own limit
		// would answer 503 instead, so it is set out of reach.
		Concurrency: math.MaxInt32,
		ConnState:   edge.ConnState,
		// No ReadTimeout, IdleTimeout or WriteTimeout: fasthttp would
		// set read deadlines twice per request. edge enforces
		// client_header_timeout and keepalive_timeout from its table
		// (edge.Table's reaper), client_body_timeout per read and
		// send_timeout per write (edge.Conn).
		// No MaxRequestsPerConn either: its count starts again when a
		// parked connection is served anew (edge/park.go), so the
		// handler enforces keepalive_requests from edge.Conn's count.
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
		// fasthttp's errors would otherwise quote the request's bytes,
		// cookies and credentials included, into the error log.
		SecureErrorLogMessage: true,
		// Idle keep-alive connections give their read and write buffers
		// back to the pools: with large_client_header_buffers' 32 KiB read
		// buffer, 10,000 idle clients would otherwise hold 320 MiB.
		ReduceMemoryUsage: true,
		Logger:            h.Logger,
	}
}

// bodyBufferSize is fasthttp's MaxRequestBodySize. With StreamRequestBody
// it is no limit: fasthttp reads at most min(bodyBufferSize, 8 KiB) of a
// body before the handler runs (its prefetch) and hands the rest over as a
// stream, so no body is held whole here. What the proxy then keeps in
// memory is bounded by client_body_buffer_size (upstream/proxy/body.go).
const bodyBufferSize = 64 << 10
