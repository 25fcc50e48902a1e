package proxy

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// pxVarSetup proxies "/" through `proxy_pass http://$arg_up;` to an
// upstream with keepalive; the client names it in ?up=u.
func pxVarSetup(tb testing.TB) (*fasthttp.Client, *fasthttp.Request, *fasthttp.Response, []byte) {
	body := []byte("hello, world")
	be := pxStartBackendRecording(tb, func(ctx *fasthttp.RequestCtx) { ctx.SetBody(body) }, false)
	s := pxBuild(tb, nil, "/", `http { upstream u { server %s; keepalive 16; } upstream other { server 127.0.0.1:1; }
		server { location / { proxy_pass http://$arg_up; } } }`, be.addr)
	g := new(pxGateway).start(tb, func(ctx *fasthttp.RequestCtx) { pxBenchHandle(s.p, ctx) })
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("http://gw/bench?up=u")
	req.Header.Set("User-Agent", "bench")
	return g.client(false), req, resp, body
}

// BenchmarkProxyVariable is BenchmarkProxy's keepalive case through a
// proxy_pass with variables naming the upstream: the value is evaluated
// and looked up per request.
func BenchmarkProxyVariable(b *testing.B) {
	c, req, resp, body := pxVarSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Do(req, resp); err != nil || resp.StatusCode() != 200 || len(resp.Body()) != len(body) {
			b.Fatalf("%v %d", err, resp.StatusCode())
		}
	}
}

// TestVariableProxyPassAllocs: naming an upstream through a variable
// costs no allocation over a literal proxy_pass (TestProxiedRequestAllocs).
func TestVariableProxyPassAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	c, req, resp, body := pxVarSetup(t)
	do := func() {
		if err := c.Do(req, resp); err != nil || string(resp.Body()) != string(body) {
			t.Fatalf("%v %d %q", err, resp.StatusCode(), resp.Body())
		}
	}
	for range 50 {
		do()
	}
	if allocs := testing.AllocsPerRun(500, do); allocs > 1 {
		t.Errorf("a request through proxy_pass http://$arg_up allocates %v times, want <= 1", allocs)
	}
}
