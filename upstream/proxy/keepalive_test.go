package proxy

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestUpstreamKeepalive(t *testing.T) {
	for _, tc := range []struct {
		name     string
		upstream string // upstream block parameters after the server
		loc      string // location directives after proxy_pass
		close    bool   // the client asks for Connection: close
		want     int64  // backend connections for 10 requests
	}{
		{"no keepalive: one connection per request", "", "", false, 10},
		{"no keepalive whatever the Connection line", "", "proxy_http_version 1.1; proxy_set_header Connection keep-alive;", false, 10},
		{"keepalive: one connection", "keepalive 4;", "", false, 1},
		{"client Connection: close does not close the upstream one", "keepalive 4;", "", true, 1},
		{"keepalive with proxy_set_header Connection close: closed as asked", "keepalive 4;", "proxy_set_header Connection close;", false, 10},
		{"keepalive with proxy_set_header Connection \"\": kept", "keepalive 4;", `proxy_set_header Connection "";`, false, 1},
		{"keepalive_requests 3: a new connection every 3 requests", "keepalive 4; keepalive_requests 3;", "", false, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("hello") })
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; %s }
				server { location / { proxy_pass http://u; %s } } }`, be.addr, tc.upstream, tc.loc)
			g := pxServe(t, s.p)
			c := g.client(false)
			for i := 0; i < 10; i++ {
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				req.SetRequestURI("http://gw/")
				if tc.close {
					req.SetConnectionClose()
				}
				if err := c.Do(req, resp); err != nil || resp.StatusCode() != 200 || string(resp.Body()) != "hello" {
					t.Fatalf("request %d: %v %d %q\n%s", i, err, resp.StatusCode(), resp.Body(), s.log)
				}
				fasthttp.ReleaseRequest(req)
				fasthttp.ReleaseResponse(resp)
			}
			if n := be.conns.Load(); n != tc.want {
				t.Errorf("%d backend connections, want %d", n, tc.want)
			}
			if tries := g.lastTries(); len(tries) != 1 || (tc.want == 1 && tries[0].ConnectTime != 0) {
				t.Errorf("a reused connection reports connect time: %+v", tries)
			}
		})
	}
}

func TestKeepaliveBoundsIdleConnections(t *testing.T) {
	// 8 concurrent slow requests open 8 connections; once they are done,
	// at most keepalive 2 of them stay open for reuse.
	release := make(chan struct{})
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Path()) == "/slow" {
			<-release
		}
		ctx.SetBodyString("ok")
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; }
		server { location / { proxy_pass http://u; } } }`, be.addr)
	g := pxServe(t, s.p)
	done := make(chan int, 8)
	for i := 0; i < 8; i++ {
		go func() { done <- g.status("/slow") }()
	}
	pxEventually(t, func() bool { return be.count() == 8 })
	close(release)
	for i := 0; i < 8; i++ {
		if code := <-done; code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	if idle := s.p.clients[0].Idle(); idle != 2 {
		t.Errorf("%d idle connections kept, want 2", idle)
	}
	before := be.conns.Load()
	for i := 0; i < 4; i++ {
		g.get(t, "/")
	}
	if n := be.conns.Load(); n != before {
		t.Errorf("sequential requests opened %d new connections, want 0", n-before)
	}
}

func TestKeepaliveTimeoutClosesIdleConnections(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; keepalive_timeout 100ms; }
		server { location / { proxy_pass http://u; } } }`, be.addr)
	g := pxServe(t, s.p)
	g.get(t, "/")
	g.get(t, "/")
	if n := be.conns.Load(); n != 1 {
		t.Fatalf("%d connections for back-to-back requests", n)
	}
	pxEventually(t, func() bool { return s.p.clients[0].HostClient().ConnsCount() == 0 })
	g.get(t, "/")
	if n := be.conns.Load(); n != 2 {
		t.Errorf("%d connections, want a new one after keepalive_timeout", n)
	}
	if s.p.clients[0].Idle() != 1 {
		t.Errorf("idle count %d after the timeout closed one and the last request parked one", s.p.clients[0].Idle())
	}
}
