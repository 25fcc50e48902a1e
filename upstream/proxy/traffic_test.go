package proxy

import (
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestTrafficCounters: every try that got a response counts it on its
// server, by status class, with the body bytes each way; a retry counts
// as one on the server that takes it; the response that went to the
// client has its response time recorded when its body ends.
func TestTrafficCounters(t *testing.T) {
	bad := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { ctx.SetStatusCode(502) })
	good := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		time.Sleep(3 * time.Millisecond)
		ctx.SetBodyString("hello")
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
		server { location / { proxy_pass http://u; proxy_next_upstream error timeout http_502; } } }`, bad.addr, good.addr)
	g := pxServe(t, s.p)
	for range 2 {
		head, body := g.raw(t, "PUT / HTTP/1.1\r\nHost: gw\r\nContent-Length: 8\r\n\r\n12345678")
		if !strings.HasPrefix(head, "HTTP/1.1 200") || body != "hello" {
			t.Fatalf("got %q %q", head, body)
		}
	}
	now := time.Now()
	b, ok := s.p.up.Peers[0].Snapshot(now), s.p.up.Peers[1].Snapshot(now)
	if b.Responses != [5]uint64{0, 0, 0, 0, 1} || b.Retries != 0 || b.BytesSent != 8 || b.BytesReceived != 0 {
		t.Errorf("the failing server: %+v", b)
	}
	if ok.Responses != [5]uint64{0, 2, 0, 0, 0} || ok.Retries != 1 || ok.BytesSent != 16 || ok.BytesReceived != 10 {
		t.Errorf("the good server: responses %v, retries %d, sent %d, received %d", ok.Responses, ok.Retries, ok.BytesSent, ok.BytesReceived)
	}
	if l := ok.Latency; l.Count != 2 || l.WindowAvg < 3*time.Millisecond {
		t.Errorf("latency %+v", l)
	}
}
