package proxy

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/transport"
)

// pxStatusBackend answers the status named by the path: "/404" -> 404.
func pxStatusBackend(t *testing.T) *pxBackend {
	return pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		code, err := strconv.Atoi(string(ctx.Path()[1:]))
		if err != nil {
			code = 200
		}
		ctx.SetStatusCode(code)
		ctx.SetBodyString("from backend")
	})
}

func TestInterceptErrorsLeavesTheAnswerToErrorPage(t *testing.T) {
	be := pxStatusBackend(t)
	for _, tc := range []struct {
		name, conf string
		path       string
		serve      int // what Serve returns
		client     int
	}{
		{"intercepted status with an error_page", "proxy_intercept_errors on; error_page 404 /e;", "/404", 404, 404},
		{"status without an error_page passes", "proxy_intercept_errors on; error_page 404 /e;", "/500", 0, 500},
		{"intercept off passes", "error_page 404 /e;", "/404", 0, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; %s } } }`, be.addr, tc.conf)
			g := pxServe(t, s.p)
			code, body := g.get(t, tc.path)
			if code != tc.client || g.codes[len(g.codes)-1] != tc.serve {
				t.Errorf("client got %d, Serve returned %d", code, g.codes[len(g.codes)-1])
			}
			if want := map[bool]string{true: "gw answered", false: "from backend"}[tc.serve != 0]; body != want {
				t.Errorf("body %q, want %q", body, want)
			}
		})
	}
}

func TestPoolsAreSharedAndPrunedAcrossRuntimes(t *testing.T) {
	a, b := pxStartBackend(t, nil), pxStartBackend(t, nil)
	const src = `http { upstream u { server %s; keepalive 8; } server {
		location /x { proxy_pass http://u; } location /y { proxy_pass http://u; proxy_read_timeout 5s; } } }`
	pools := transport.NewPools()
	first := pxBuild(t, pools, "/x", src, a.addr)
	sameKey := pxBuild(t, pools, "/x", src, a.addr)
	if first.p.clients[0] != sameKey.p.clients[0] {
		t.Error("two runtimes with the same peer and settings do not share the pool")
	}
	otherTimeout := pxBuild(t, pools, "/y", src, a.addr)
	if otherTimeout.p.clients[0] == first.p.clients[0] {
		t.Error("a different proxy_read_timeout shares connections")
	}
	if pools.Prune() != 0 || pools.Len() != 2 {
		t.Fatalf("first prune: %d pools", pools.Len())
	}
	// A reload that moves the upstream to b keeps nothing of a.
	moved := pxBuild(t, pools, "/x", src, b.addr)
	if n := pools.Prune(); n != 2 || pools.Len() != 1 || pools.Lookup(moved.p.clients[0].Key()) == nil {
		t.Errorf("prune dropped %d, left %d pools", n, pools.Len())
	}
}

func TestBuilderSharesUpstreamsAndCommitsState(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
	cfg := pxConf(t, "http { upstream u { server "+be.addr+"; } server { location /a { proxy_pass http://u; } location /b { proxy_pass http://u/b/; } location /c { } } }")
	s.b.Commit() // the first runtime serves
	cfg2 := pxConf(t, "http { upstream u { server "+be.addr+"; keepalive 1; } server { location /a { proxy_pass http://u; } } }")
	b := NewBuilder(Options{Pools: s.pools})
	pa, err := b.Proxy(pxLocation(t, cfg, "/a"))
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := b.Proxy(pxLocation(t, cfg, "/b"))
	if pa.Upstream() != pb.Upstream() || len(b.Upstreams()) != 1 {
		t.Error("two locations proxying to one upstream got two Upstreams")
	}
	if pc, err := b.Proxy(pxLocation(t, cfg, "/c")); pc != nil || err != nil {
		t.Errorf("a location without proxy_pass gave %v, %v", pc, err)
	}
	if pa.clients[0] != s.p.clients[0] {
		t.Error("an upstream without keepalive does not share the literal host's pool")
	}
	// The next runtimes keep their connections alive: another pool. b was
	// built but never committed (a failed reload), so what it took
	// survives one more commit.
	for i, want := range []int{2, 1} {
		b2 := NewBuilder(Options{Pools: s.pools})
		p2, _ := b2.Proxy(pxLocation(t, cfg2, "/a"))
		b2.Commit()
		if s.pools.Len() != want || s.pools.Lookup(p2.clients[0].Key()) != p2.clients[0] {
			t.Errorf("commit %d kept %d pools, want %d", i, s.pools.Len(), want)
		}
	}
}

func TestResponsesWithoutBody(t *testing.T) {
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		switch string(ctx.Path()) {
		case "/204":
			ctx.SetStatusCode(204)
		case "/304":
			ctx.SetStatusCode(304)
		default:
			ctx.Response.Header.Set("X-Kind", "head")
			ctx.SetBodyString("twelve bytes")
		}
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; } server { location / { proxy_pass http://u; } } }`, be.addr)
	g := pxServe(t, s.p)
	head, body := g.raw(t, "HEAD /h HTTP/1.1\r\nHost: gw\r\n\r\n")
	if !strings.Contains(head, "Content-Length: 12\r\n") || !strings.Contains(head, "X-Kind: head\r\n") || body != "" {
		t.Errorf("HEAD: %q %q", head, body)
	}
	for _, path := range []string{"/204", "/304"} {
		head, _ := g.raw(t, "GET "+path+" HTTP/1.1\r\nHost: gw\r\n\r\n")
		if !strings.HasPrefix(head, "HTTP/1.1 "+path[1:]) {
			t.Errorf("%s: %q", path, head)
		}
	}
	// Every exchange ended: the peer is released and the connection kept.
	pxEventually(t, func() bool { return s.p.up.Peers[0].State().Conns() == 0 })
	if be.conns.Load() != 1 {
		t.Errorf("%d backend connections", be.conns.Load())
	}
}

func TestBodyUntilCloseFromHTTP10Upstream(t *testing.T) {
	addr := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nread until close")
	})
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, addr)
	g := pxServe(t, s.p)
	if code, body := g.get(t, "/"); code != 200 || body != "read until close" {
		t.Errorf("got %d %q\n%s", code, body, s.log)
	}
}

func TestInterceptedUnauthorizedKeepsWWWAuthenticate(t *testing.T) {
	// nginx copies every WWW-Authenticate line of an intercepted 401 to the
	// response error_page answers, so the client can still authenticate;
	// other statuses and other headers of the upstream stay behind.
	addr := pxRawBackend(t, func(c net.Conn) {
		pxAnswerAll(c, func(head string) string {
			status := "401 Unauthorized"
			if strings.HasPrefix(head, "GET /403") {
				status = "403 Forbidden"
			}
			return "HTTP/1.1 " + status + "\r\n" +
				"WWW-Authenticate: Basic realm=\"a\"\r\n" +
				"WWW-Authenticate: Bearer\r\n" +
				"X-Other: o\r\n" +
				"Content-Length: 4\r\n\r\nbody"
		})
	})
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s;
		proxy_intercept_errors on; error_page 401 403 /e; } } }`, addr)
	g := pxServe(t, s.p)
	head, body := g.raw(t, "GET /401 HTTP/1.1\r\nHost: h\r\n\r\n")
	if body != "gw answered" {
		t.Fatalf("not intercepted: %q %q", head, body)
	}
	for _, want := range []string{"\r\nWWW-Authenticate: Basic realm=\"a\"\r\n", "\r\nWWW-Authenticate: Bearer\r\n"} {
		if !strings.Contains(head, want) {
			t.Errorf("intercepted 401 lacks %q:\n%s", want, head)
		}
	}
	if strings.Contains(head, "X-Other") {
		t.Errorf("intercepted 401 passes another upstream header:\n%s", head)
	}
	head, _ = g.raw(t, "GET /403 HTTP/1.1\r\nHost: h\r\n\r\n")
	if strings.Contains(head, "WWW-Authenticate") {
		t.Errorf("intercepted 403 passes WWW-Authenticate:\n%s", head)
	}
}
