package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestProxiedRequestAllocs guards the allocation budget of the hot path: a
// whole proxied request (client,
// gw, kept-alive upstream connection, stub backend) costs at most one heap
// allocation. fasthttp's own client transport allocated four per response
// (its body stream wrapper and three closures); roundTrip pools its upBody
// instead. The streamed cases take the upBody path: a chunked body,
// and a fixed-length one under proxy_buffering off. Each runs with sticky
// learn too: a session lookup and store per request allocate nothing.
func TestProxiedRequestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, tc := range []struct {
		name, loc string
		chunked   bool
	}{
		{"small body read whole", "", false},
		{"chunked body streamed", "", true},
		{"proxy_buffering off", "proxy_buffering off;", false},
	} {
		for _, learn := range []bool{false, true} {
			name, sticky, cookie := tc.name, "", ""
			if learn {
				// Every request carries a known session, and every
				// response creates one: a lookup and a store per request.
				name, sticky, cookie = tc.name+", sticky learn", "sticky learn create=$upstream_cookie_SID lookup=$cookie_SID zone=z:1m;", "SID=abc"
			}
			t.Run(name, func(t *testing.T) {
				body := []byte("hello, world")
				be := pxStartBackendRecording(t, func(ctx *fasthttp.RequestCtx) {
					if learn {
						ctx.Response.Header.Set("Set-Cookie", "SID=abc; Path=/")
					}
					if tc.chunked {
						ctx.Response.SetBodyStream(&chunkSrc{b: body}, -1)
						return
					}
					ctx.SetBody(body)
				}, false)
				s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 16; %s }
					server { location / { proxy_pass http://u; %s } } }`, be.addr, sticky, tc.loc)
				g := new(pxGateway).start(t, func(ctx *fasthttp.RequestCtx) { pxBenchHandle(s.p, ctx) })
				c := g.client(false)
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(resp)
				req.SetRequestURI("http://gw/alloc?x=1")
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				do := func() {
					if err := c.Do(req, resp); err != nil || resp.StatusCode() != 200 || string(resp.Body()) != string(body) {
						t.Fatalf("%v %d %q", err, resp.StatusCode(), resp.Body())
					}
				}
				for range 50 { // warm the pools
					do()
				}
				if allocs := testing.AllocsPerRun(500, do); allocs > 1 {
					t.Errorf("a proxied request allocates %v times, want <= 1", allocs)
				}
			})
		}
	}
}

// chunkSrc is a reusable body the stub backend sends chunked.
type chunkSrc struct {
	b   []byte
	off int
}

func (s *chunkSrc) Read(p []byte) (int, error) {
	if s.off == len(s.b) {
		s.off = 0 // fasthttp reads to EOF once per response
		return 0, io.EOF
	}
	n := copy(p, s.b[s.off:])
	s.off += n
	return n, nil
}

// TestStreamedBodiesOverOneConnection drives roundTrip's upBody over
// a raw backend: chunked responses with a trailer and a 1xx interim
// response share one kept-alive connection, and an HTTP/1.1 body read
// until close ends with the connection closed, not pooled.
func TestStreamedBodiesOverOneConnection(t *testing.T) {
	var conns atomic.Int32
	addr := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		conns.Add(1)
		br := bufio.NewReader(c)
		for {
			head, err := pxReadHead(br)
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(head, "GET /chunked"):
				_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n"+
					"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+
					"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Sum: 1\r\n\r\n")
			case strings.HasPrefix(head, "GET /close"):
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nread until close")
				return
			default:
				return
			}
		}
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 4; }
		server { location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } } }`, addr)
	g := pxServe(t, s.p)
	for i := range 3 {
		if code, body := g.get(t, "/chunked"); code != 200 || body != "hello, world" {
			t.Fatalf("chunked %d: %d %q\n%s", i, code, body, s.log)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("chunked responses took %d backend connections, want 1", n)
	}
	for i := range 2 {
		if code, body := g.get(t, "/close"); code != 200 || body != "read until close" {
			t.Fatalf("until close %d: %d %q\n%s", i, code, body, s.log)
		}
	}
	// The first /close reused the kept connection, which the body's end
	// closed; the second needed a new one.
	if n := conns.Load(); n != 2 {
		t.Errorf("%d backend connections, want 2", n)
	}
}
