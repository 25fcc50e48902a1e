package serve

import (
	"strconv"

	"github.com/valyala/fasthttp"
)

// stubStatus answers a stub_status location with nginx's page, byte for
// byte: its wording, its trailing spaces, text/plain and no caching
// header (page checks the method, as nginx does).
func (x *exchange) stubStatus() {
	ctx := x.ctx
	g := x.rt.server
	ctx.Response.Header.SetContentType("text/plain")
	ctx.SetStatusCode(fasthttp.StatusOK)
	x.buf = g.appendStubStatus(x.buf[:0])
	ctx.Response.SetBody(x.buf)
}

// appendStubStatus appends nginx's stub_status page to b. It reads the
// counters directly rather than taking a Snapshot: the page needs none of
// the upstreams', and monitoring agents poll it often.
func (g *Server) appendStubStatus(b []byte) []byte {
	// g.conns is set once by New and the counters are atomics: no lock.
	active, accepted := g.conns.Len(), g.conns.Accepted()
	reading, writing, waiting, _ := g.conns.States()
	requests := g.requests.requests.Load()

	b = append(b, "Active connections: "...)
	b = strconv.AppendInt(b, int64(active), 10)
	b = append(b, " \nserver accepts handled requests\n "...)
	// gw drops no accepted connection, so handled is accepts.
	b = strconv.AppendUint(b, accepted, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, accepted, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, requests, 10)
	b = append(b, " \nReading: "...)
	b = strconv.AppendInt(b, int64(reading), 10)
	b = append(b, " Writing: "...)
	b = strconv.AppendInt(b, int64(writing), 10)
	b = append(b, " Waiting: "...)
	b = strconv.AppendInt(b, int64(waiting), 10)
	return append(b, " \n"...)
}
