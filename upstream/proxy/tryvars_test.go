package proxy

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

// pxBlackHole returns a loopback address whose connects time out: a
// listener with the smallest backlog that never accepts, its queue filled
// until a connect gets no answer, as a server too busy to answer a SYN.
func pxBlackHole(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	for range 16 {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return addr // a connect now goes unanswered
		}
		t.Cleanup(func() { _ = c.Close() })
	}
	t.Skip("the listener's backlog never filled: no connect timeout to be had here")
	return ""
}

// What each $upstream_* variable holds for a try that failed and was
// retried, checked against nginx's upstream module: the try's state is
// pushed with every time unset when it starts (ngx_http_upstream_connect);
// the connect time is set once a connection is there to send on
// (ngx_http_upstream_send_request), the header time once a header was
// parsed (ngx_http_upstream_process_header); ngx_http_upstream_next gives
// the try the status of its failure (504 for a timeout and http_504, the
// upstream's own for the other http_* conditions, 502 for the rest) and
// its bytes sent; the response time is the try's elapsed time, set when the
// next try starts. Only bytes read count as received, and a response
// skipped for the next server has no response length.
func TestFailedTryVariables(t *testing.T) {
	measured := func(d time.Duration) bool { return d >= 0 }
	unset := func(d time.Duration) bool { return d == vars.Unmeasured }
	for _, tc := range []struct {
		name    string
		server  func(t *testing.T) string
		status  int
		connect func(time.Duration) bool
		header  func(time.Duration) bool
		atLeast time.Duration // of the response time
		sent    bool          // bytes went to the server
		recv    bool          // bytes came from it
	}{
		{"connect refused", func(t *testing.T) string { return pxDeadAddr(t) }, 502, unset, unset, 0, false, false},
		{"connect timed out", pxBlackHole, 504, unset, unset, 200 * time.Millisecond, false, false},
		{"header timed out", func(t *testing.T) string {
			return pxRawBackend(t, func(c net.Conn) {
				defer c.Close()
				_, _ = c.Read(make([]byte, 4096)) // the request, then silence
				time.Sleep(time.Second)
			})
		}, 504, measured, unset, 200 * time.Millisecond, true, false},
		{"closed before the header", func(t *testing.T) string {
			return pxHangUp(t, new(atomic.Int64))
		}, 502, measured, unset, 0, true, false},
		{"invalid header", func(t *testing.T) string {
			return pxRawBackend(t, func(c net.Conn) {
				pxAnswerAll(c, func(string) string { return "NOT HTTP AT ALL\r\n\r\n" })
			})
		}, 502, measured, unset, 0, true, true},
		{"502 answer passed over", func(t *testing.T) string {
			return pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
				ctx.SetStatusCode(502)
				ctx.SetBodyString("down")
			}).addr
		}, 502, measured, measured, 0, true, true},
		{"504 answer passed over", func(t *testing.T) string {
			return pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { ctx.SetStatusCode(504) }).addr
		}, 504, measured, measured, 0, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := tc.server(t)
			live := pxStartBackend(t, nil)
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
				server { location / { proxy_pass http://u;
					proxy_connect_timeout 200ms; proxy_read_timeout 200ms;
					proxy_next_upstream error timeout invalid_header http_502 http_504; } } }`, bad, live.addr)
			g := pxServe(t, s.p)
			if code, _ := g.get(t, "/"); code != 200 {
				t.Fatalf("got %d\n%s", code, s.log)
			}
			tries := g.lastTries()
			if len(tries) != 2 || tries[0].Addr != bad || tries[1].Status != 200 {
				t.Fatalf("tries %+v", tries)
			}
			f := tries[0]
			if f.Status != tc.status {
				t.Errorf("$upstream_status %d, want %d", f.Status, tc.status)
			}
			if !tc.connect(f.ConnectTime) || !tc.header(f.HeaderTime) {
				t.Errorf("$upstream_connect_time %v, $upstream_header_time %v", f.ConnectTime, f.HeaderTime)
			}
			if f.ResponseTime < tc.atLeast || f.ResponseTime < f.HeaderTime || f.ResponseTime > 5*time.Second {
				t.Errorf("$upstream_response_time %v, want the try's elapsed time (>= %v)", f.ResponseTime, tc.atLeast)
			}
			if f.ResponseLength != 0 || (f.BytesSent > 0) != tc.sent || (f.BytesReceived > 0) != tc.recv {
				t.Errorf("$upstream_response_length %d, _bytes_sent %d, _bytes_received %d", f.ResponseLength, f.BytesSent, f.BytesReceived)
			}
		})
	}
}

// A request the queue cannot place is recorded as nginx records "no live
// upstreams": the upstream's name, gw's 503, and the try's elapsed time,
// here the wait in the queue.
func TestQueueRefusalIsTimed(t *testing.T) {
	release := make(chan struct{})
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { <-release })
	s := pxBuild(t, nil, "/", `http { upstream u { server %s max_conns=1; queue 1 timeout=150ms; }
		server { location / { proxy_pass http://u; } } }`, be.addr)
	g := pxServe(t, s.p)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); g.get(t, "/held") }()
	pxEventually(t, func() bool { return be.count() == 1 })
	if code, _ := g.get(t, "/queued"); code != 503 {
		t.Errorf("got %d, want 503 after the queue's timeout", code)
	}
	close(release)
	wg.Wait()
	var refused []vars.UpstreamTry
	g.mu.Lock()
	for _, tries := range g.tries {
		if len(tries) == 1 && tries[0].Status == 503 {
			refused = tries
		}
	}
	g.mu.Unlock()
	if len(refused) != 1 || refused[0].Addr != "u" || refused[0].ResponseTime < 150*time.Millisecond ||
		refused[0].ConnectTime != vars.Unmeasured || refused[0].HeaderTime != vars.Unmeasured {
		t.Errorf("refused request's tries %+v, want the upstream's, timed with its wait", refused)
	}
}

// A request proxied a second time (cmd/gw's error_page redirect calls
// Serve again with the same variables) keeps the first proxying's tries,
// set apart by the separator nginx prints as " : ".
func TestSecondProxyingIsSetApart(t *testing.T) {
	dead := pxDeadAddr(t)
	live := pxStartBackend(t, nil)
	first := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, dead)
	second := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, live.addr)
	var got []vars.UpstreamTry
	g := (&pxGateway{}).start(t, func(ctx *fasthttp.RequestCtx) {
		r := &vars.Request{Ctx: ctx, ServerName: "test", Start: time.Now()}
		if code := first.p.Serve(ctx, r); code == 502 {
			ctx.Response.Reset()
			second.p.Serve(ctx, r)
		}
		got = append([]vars.UpstreamTry(nil), r.Upstream...)
	})
	if code, _ := g.get(t, "/"); code != 200 {
		t.Fatalf("got %d", code)
	}
	if len(got) != 3 || got[0].Addr != dead || !got[1].IsSeparator() || got[2].Addr != live.addr {
		t.Fatalf("tries %+v, want the dead one, a separator, the live one", got)
	}
	if s := string(vars.MustParse("$upstream_addr|$upstream_status").Append(nil, &vars.Request{Upstream: got})); s != dead+" : "+live.addr+"|502 : 200" {
		t.Errorf("printed %q", s)
	}
}
