package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

func TestRetryDeadPeerWithNextUpstreamError(t *testing.T) {
	dead := pxDeadAddr(t)
	live := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
		server { location / { proxy_pass http://u; proxy_next_upstream error; } } }`, dead, live.addr)
	g := pxServe(t, s.p)
	for i := 0; i < 4; i++ {
		if code, body := g.get(t, "/"); code != 200 || body != "ok" {
			t.Fatalf("request %d: %d %q\n%s", i, code, body, s.log)
		}
	}
	// Only the first request met the dead peer: max_fails=1 took it out.
	first := g.tries[0]
	if len(first) != 2 || first[0].Addr != dead || first[0].Status != 502 || first[1].Addr != live.addr || first[1].Status != 200 {
		t.Errorf("first request's tries: %+v", first)
	}
	if len(g.lastTries()) != 1 {
		t.Errorf("the failed peer was tried again: %+v", g.lastTries())
	}
	for _, want := range []string{
		"connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: test, " +
			`request: "GET / HTTP/1.1", upstream: "http://` + dead + `/", host: "gw"`,
		"upstream server temporarily disabled while connecting to upstream",
	} {
		if !s.log.has(want) {
			t.Errorf("error log lacks %q:\n%s", want, s.log)
		}
	}
}

func TestNextUpstreamOffAnswers502(t *testing.T) {
	dead := pxDeadAddr(t)
	live := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
		server { location / { proxy_pass http://u; proxy_next_upstream off; } } }`, dead, live.addr)
	g := pxServe(t, s.p)
	// Smooth round robin with equal weights starts with the first server.
	if code, _ := g.get(t, "/"); code != 502 {
		t.Fatalf("got %d, want 502", code)
	}
	if tries := g.lastTries(); len(tries) != 1 || tries[0].Status != 502 {
		t.Errorf("tries %+v", tries)
	}
	if code, _ := g.get(t, "/"); code != 200 {
		t.Errorf("the live peer answered %d", code)
	}
}

func TestLiteralHostIsAnImplicitUpstream(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
	if n := len(s.p.up.Peers); n != 1 || s.p.up.Peers[0].Addr != be.addr || s.p.up.Name() != be.addr {
		t.Fatalf("implicit upstream %q with %d peers", s.p.up.Name(), n)
	}
	g := pxServe(t, s.p)
	if code, _ := g.get(t, "/"); code != 200 {
		t.Fatalf("got %d", code)
	}
}

func TestNoLiveUpstreams(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s down; server 127.0.0.1:1 down; }
		server { location / { proxy_pass http://u; } } }`, be.addr)
	g := pxServe(t, s.p)
	if code, _ := g.get(t, "/"); code != 502 {
		t.Fatalf("got %d, want 502", code)
	}
	// nginx's try of "no live upstreams": the upstream's name, 502, the
	// time since the try began, and no connect or header time.
	if tries := g.lastTries(); len(tries) != 1 || tries[0].Addr != "u" || tries[0].Status != 502 ||
		tries[0].ResponseTime < 0 || tries[0].ResponseTime > time.Second ||
		tries[0].ConnectTime != vars.Unmeasured || tries[0].HeaderTime != vars.Unmeasured {
		t.Errorf("$upstream_* of the refused try: %+v", tries)
	}
	if !s.log.has(`no live upstreams while connecting to upstream, client: 127.0.0.1, server: test, request: "GET / HTTP/1.1", upstream: "http://u/"`) {
		t.Errorf("error log: %s", s.log)
	}
	if be.count() != 0 {
		t.Error("a down server was used")
	}
}

// pxHangUp is a backend that reads one request head, and its body when it
// has a Content-Length, then closes without answering.
func pxHangUp(t *testing.T, heads *atomic.Int64) string {
	return pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		head, err := pxReadHead(br)
		if err != nil {
			return
		}
		heads.Add(1)
		if i := strings.Index(strings.ToLower(head), "content-length: "); i >= 0 {
			var n int64
			for _, ch := range head[i+len("content-length: "):] {
				if ch < '0' || ch > '9' {
					break
				}
				n = n*10 + int64(ch-'0')
			}
			_, _ = io.CopyN(io.Discard, br, n)
		}
	})
}

func TestNonIdempotentRequestNotRetriedAfterSend(t *testing.T) {
	for _, tc := range []struct {
		name, method, next string
		retried            bool
	}{
		{"POST is not repeated", "POST", "error timeout", false},
		{"PATCH is not repeated", "PATCH", "error", false},
		{"GET is repeated", "GET", "error timeout", true},
		{"PUT is idempotent", "PUT", "error", true},
		{"POST with non_idempotent", "POST", "error non_idempotent", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var heads atomic.Int64
			hang := pxHangUp(t, &heads)
			live := pxStartBackend(t, nil)
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
				server { location / { proxy_pass http://u; proxy_next_upstream %s; } } }`, hang, live.addr, tc.next)
			g := pxServe(t, s.p)
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.Header.SetMethod(tc.method)
			req.SetRequestURI("http://gw/form")
			req.SetBodyString("a=1")
			if err := g.client(false).Do(req, resp); err != nil {
				t.Fatal(err)
			}
			if heads.Load() != 1 {
				t.Fatalf("the first peer saw %d requests", heads.Load())
			}
			want := 502
			if tc.retried {
				want = 200
			}
			if resp.StatusCode() != want || (live.count() == 1) != tc.retried {
				t.Errorf("status %d (want %d), second peer saw %d requests", resp.StatusCode(), want, live.count())
			}
			if tc.retried && string(live.last(t).body) != "a=1" {
				t.Errorf("the retried body was %q", live.last(t).body)
			}
			if !s.log.has("upstream prematurely closed connection while reading response header from upstream") {
				t.Errorf("error log: %s", s.log)
			}
		})
	}
}

func TestHTTPStatusConditions(t *testing.T) {
	answer := func(code int) fasthttp.RequestHandler {
		return func(ctx *fasthttp.RequestCtx) {
			ctx.SetStatusCode(code)
			ctx.SetBodyString(string(rune('0' + code/100)))
		}
	}
	for _, tc := range []struct {
		name          string
		first, second int
		next          string
		want          int
		tries         int
		firstFails    int64 // passive-health failures of the first peer
	}{
		{"503 listed goes to the next peer", 503, 200, "http_503", 200, 2, 1},
		{"503 not listed is passed on", 503, 200, "error", 503, 1, 0},
		{"every peer 503: the last answer is passed on", 503, 503, "http_503", 503, 2, 1},
		{"404 listed is retried but never a failure", 404, 200, "http_404", 200, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := pxStartBackend(t, answer(tc.first)), pxStartBackend(t, answer(tc.second))
			s := pxBuild(t, nil, "/", `http { upstream u { server %s max_fails=3; server %s max_fails=3; }
				server { location / { proxy_pass http://u; proxy_next_upstream %s; } } }`, a.addr, b.addr, tc.next)
			g := pxServe(t, s.p)
			if code, _ := g.get(t, "/"); code != tc.want {
				t.Errorf("status %d, want %d", code, tc.want)
			}
			if n := len(g.lastTries()); n != tc.tries {
				t.Errorf("%d tries, want %d: %+v", n, tc.tries, g.lastTries())
			}
			if f := s.p.up.Peers[0].State().Fails(); f != tc.firstFails {
				t.Errorf("first peer has %d failures, want %d", f, tc.firstFails)
			}
		})
	}
}

func TestNextUpstreamTries(t *testing.T) {
	d1, d2 := pxDeadAddr(t), pxDeadAddr(t)
	live := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; server %s; }
		server { location / { proxy_pass http://u; proxy_next_upstream_tries 2; } } }`, d1, d2, live.addr)
	g := pxServe(t, s.p)
	if code, _ := g.get(t, "/"); code != 502 {
		t.Fatalf("got %d, want 502 after 2 tries", code)
	}
	if n := len(g.lastTries()); n != 2 {
		t.Errorf("%d tries, want 2", n)
	}
}

func TestReadTimeoutAnswers504(t *testing.T) {
	silent := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c) // accept, read, never answer
	})
	s := pxBuild(t, nil, "/", `http { server { location / {
		proxy_pass http://%s; proxy_read_timeout 200ms; } } }`, silent)
	g := pxServe(t, s.p)
	start := time.Now()
	code, _ := g.get(t, "/")
	took := time.Since(start)
	if code != 504 {
		t.Fatalf("got %d, want 504", code)
	}
	if took < 190*time.Millisecond || took > 2*time.Second {
		t.Errorf("answered after %v, want about 200ms", took)
	}
	if !s.log.has("upstream timed out (110: Connection timed out) while reading response header from upstream") {
		t.Errorf("error log: %s", s.log)
	}
	if tries := g.lastTries(); len(tries) != 1 || tries[0].Status != 504 {
		t.Errorf("tries %+v", tries)
	}
}

func TestReadTimeoutIsBetweenReads(t *testing.T) {
	// Six pieces 80ms apart take 480ms in all, more than twice the read
	// timeout, yet no two reads are further apart than it.
	slow := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
		for i := 0; i < 6; i++ {
			time.Sleep(80 * time.Millisecond)
			if _, err := c.Write([]byte{'a' + byte(i)}); err != nil {
				return
			}
		}
	})
	s := pxBuild(t, nil, "/", `http { server { location / {
		proxy_pass http://%s; proxy_read_timeout 200ms; } } }`, slow)
	g := pxServe(t, s.p)
	if code, body := g.get(t, "/"); code != 200 || body != "abcdef" {
		t.Fatalf("got %d %q\n%s", code, body, s.log)
	}
}

func TestStaleKeepaliveConnectionIsRetried(t *testing.T) {
	// The backend answers one request per connection and closes the
	// connection when the next request comes: that request meets a
	// connection that looked alive in the pool and dies under it. (One
	// the upstream closed while idle is not even tried: see
	// TestIdleConnectionLookedAtBeforeReuse.)
	var conns atomic.Int64
	addr := pxRawBackend(t, func(c net.Conn) {
		conns.Add(1)
		defer c.Close()
		br := bufio.NewReader(c)
		if _, err := pxReadHead(br); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		_, _ = pxReadHead(br)
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; }
		server { location / { proxy_pass http://u; } } }`, addr)
	g := pxServe(t, s.p)
	for i := 0; i < 3; i++ {
		if code, _ := g.get(t, "/"); code != 200 {
			t.Fatalf("request %d: %d\n%s", i, code, s.log)
		}
	}
	if f := s.p.up.Peers[0].State().Fails(); f != 0 {
		t.Errorf("stale connections counted %d failures", f)
	}
	if conns.Load() < 3 {
		t.Errorf("%d connections for 3 requests", conns.Load())
	}
	// Requests after the first met the closed connection, then a new one.
	if tries := g.lastTries(); len(tries) != 2 || tries[0].Status != 502 || tries[1].Status != 200 {
		t.Errorf("tries %+v", tries)
	}
}

func TestNextUpstreamTimeoutStopsRetries(t *testing.T) {
	silent := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c)
	})
	live := pxStartBackend(t, nil)
	for _, tc := range []struct {
		conf  string
		want  int
		tries int
	}{
		{"", 200, 2},
		{"proxy_next_upstream_timeout 50ms;", 504, 1},
	} {
		s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; } server { location / {
			proxy_pass http://u; proxy_read_timeout 100ms; %s } } }`, silent, live.addr, tc.conf)
		g := pxServe(t, s.p)
		if code, _ := g.get(t, "/"); code != tc.want || len(g.lastTries()) != tc.tries {
			t.Errorf("%q: status %d with %d tries, want %d with %d", tc.conf, code, len(g.lastTries()), tc.want, tc.tries)
		}
	}
}

func TestSendTimeoutAnswers504(t *testing.T) {
	// The backend reads the head and then nothing: once the socket buffers
	// are full, gw's writes wait longer than proxy_send_timeout.
	deaf := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
			return
		}
		time.Sleep(3 * time.Second)
	})
	s := pxBuild(t, nil, "/", `http { server { client_max_body_size 0; location / {
		proxy_pass http://%s; proxy_send_timeout 200ms; } } }`, deaf)
	g := pxServe(t, s.p)
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.Header.SetMethod("PUT")
	req.SetRequestURI("http://gw/")
	req.SetBodyStream(io.LimitReader(pxZeros{}, 256<<20), 256<<20)
	err := g.client(false).Do(req, resp)
	if err == nil && resp.StatusCode() != 504 {
		t.Errorf("status %d, want 504", resp.StatusCode())
	}
	pxEventually(t, func() bool {
		return s.log.has("upstream timed out (110: Connection timed out) while sending request to upstream")
	})
}

func TestInvalidHeader(t *testing.T) {
	garbage := pxRawBackend(t, func(c net.Conn) {
		pxAnswerAll(c, func(string) string { return "NOT HTTP AT ALL\r\n\r\n" })
	})
	live := pxStartBackend(t, nil)
	for _, tc := range []struct {
		next string
		want int
	}{{"error timeout", 502}, {"error timeout invalid_header", 200}} {
		s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
			server { location / { proxy_pass http://u; proxy_next_upstream %s; } } }`, garbage, live.addr, tc.next)
		g := pxServe(t, s.p)
		if code, _ := g.get(t, "/"); code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.next, code, tc.want)
		}
		if !s.log.has("upstream sent invalid header while reading response header from upstream") {
			t.Errorf("error log: %s", s.log)
		}
		// invalid_header always counts against the peer, listed or not.
		if f := s.p.up.Peers[0].State().Fails(); f != 1 {
			t.Errorf("%s: %d failures", tc.next, f)
		}
	}
}
