package proxy

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkProxy measures one whole proxied request: a client over an
// in-memory listener, gw's Serve, a kept-alive connection to a stub
// backend on loopback, and the response back. Allocations are gw's,
// fasthttp's and the stub's together. The gateway is gw's server with the
// default keepalive_requests 1000, so the client reconnects every 1000
// requests, as it would to gw: that shows as a few bytes per op. The sticky cases add session_sticky:
// a returning client whose cookie routes it (cleaned from the request in
// option=indirect), and a new client that gets a cookie every time.
func BenchmarkProxy(b *testing.B) {
	const indirect = "keepalive 16; session_sticky option=indirect;"
	for _, bc := range []struct {
		name, upstream, loc string
		cookie              bool // send the backend's sticky cookie
	}{
		{"keepalive", "keepalive 16;", "proxy_set_header X-Real-IP $remote_addr;", false},
		{"keepalive streamed 128k", "keepalive 16;", "", false},
		{"no keepalive", "", "", false},
		{"keepalive sticky returning", indirect, "session_sticky_header upstream=u;", true},
		{"keepalive sticky new session", indirect, "session_sticky_header upstream=u;", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body := []byte("hello, world")
			if bc.name == "keepalive streamed 128k" {
				body = make([]byte, 128<<10)
			}
			be := pxStartBackendRecording(b, func(ctx *fasthttp.RequestCtx) {
				ctx.Response.Header.Set("X-Backend", "stub")
				ctx.SetBody(body)
			}, false)
			s := pxBuild(b, nil, "/", `http { upstream u { server %s; %s }
				server { location / { proxy_pass http://u; %s } } }`, be.addr, bc.upstream, bc.loc)
			g := new(pxGateway).start(b, func(ctx *fasthttp.RequestCtx) { pxBenchHandle(s.p, ctx) })
			c := g.client(false)
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.SetRequestURI("http://gw/bench?x=1")
			req.Header.Set("User-Agent", "bench")
			req.Header.Set("Accept", "*/*")
			if bc.cookie {
				req.Header.Set("Cookie", "_ga=GA1.2.3; route="+md5Hex(be.addr)+"; lang=en")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.Do(req, resp); err != nil || resp.StatusCode() != 200 || len(resp.Body()) != len(body) {
					b.Fatalf("%v %d %d", err, resp.StatusCode(), len(resp.Body()))
				}
			}
		})
	}
}
