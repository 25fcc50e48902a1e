package proxy

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// pxPathOf returns the request target of a raw request head.
func pxPathOf(head string) string {
	_, rest, _ := strings.Cut(head, " ")
	path, _, _ := strings.Cut(rest, " ")
	return path
}

func TestConnectionWithBytesLeftIsClosed(t *testing.T) {
	// Each bad answer carries bytes beyond its end in the same write: they
	// are in gw's buffer when the response ends, and the connection must
	// not go back to the pool. The next request, on the same client and
	// the same upstream pool, must get its own answer on a new connection.
	const forged = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"
	for _, tc := range []struct {
		name, method, answer string
		status               int
	}{
		{"204 with a body", "GET", "HTTP/1.1 204 No Content\r\n\r\n" + forged, 204},
		{"304 with a body", "GET", "HTTP/1.1 304 Not Modified\r\n\r\n" + forged, 304},
		{"HEAD answered with a body", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged", 200},
		{"body longer than Content-Length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + forged, 200},
		{"bytes after the last chunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + forged, 200},
		{"interim response, then bytes after the body", "GET", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + forged, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, g, conns := badAnswerProxy(t, tc.answer)
			if code, body := g.get(t, "/first"); code != 200 || body != "/first" {
				t.Fatalf("first: %d %q", code, body)
			}
			head, _ := g.raw(t, tc.method+" /bad HTTP/1.1\r\nHost: gw\r\n\r\n")
			if !strings.HasPrefix(head, "HTTP/1.1 "+strconv.Itoa(tc.status)+" ") {
				t.Fatalf("bad answer passed as %q", head)
			}
			for _, p := range []string{"/second", "/third"} {
				if code, body := g.get(t, p); code != 200 || body != p {
					t.Fatalf("%s: %d %q\n%s", p, code, body, s.log)
				}
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("%d upstream connections, want 2: the one of the bad answer closed, one after", n)
			}
		})
	}
}

func TestIdleConnectionLookedAtBeforeReuse(t *testing.T) {
	// The upstream sends something on a connection gw holds idle (bytes,
	// or its close): gw must not send the next request on it. An idle
	// connection the upstream closed is not even tried, so there is no
	// failed try to retry.
	for _, tc := range []struct {
		name  string
		after func(c net.Conn) // what the upstream does once gw parked c
	}{
		{"bytes arrive", func(c net.Conn) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged")
		}},
		{"the upstream closes", func(c net.Conn) { _ = c.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var conns atomic.Int64
			parked := make(chan struct{})
			done := make(chan struct{})
			addr := pxRawBackend(t, func(c net.Conn) {
				defer c.Close()
				first := conns.Add(1) == 1
				br := bufio.NewReader(c)
				for {
					head, err := pxReadHead(br)
					if err != nil {
						return
					}
					p := pxPathOf(head)
					_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(p))+"\r\n\r\n"+p)
					if first {
						<-parked
						tc.after(c)
						close(done)
						first = false
					}
				}
			})
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 4; }
				server { location / { proxy_pass http://u; } } }`, addr)
			g := pxServe(t, s.p)
			if code, body := g.get(t, "/one"); code != 200 || body != "/one" {
				t.Fatalf("one: %d %q", code, body)
			}
			close(parked)
			<-done
			// Loopback delivers the bytes (or the FIN) with the write
			// that sent them: they are at gw's socket now.
			if code, body := g.get(t, "/two"); code != 200 || body != "/two" {
				t.Fatalf("two: %d %q\n%s", code, body, s.log)
			}
			if tries := g.lastTries(); len(tries) != 1 || tries[0].Status != 200 {
				t.Errorf("tries %+v, want one", tries)
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("%d upstream connections, want 2", n)
			}
		})
	}
}

func TestFramingRefusedAndConnectionClosed(t *testing.T) {
	for _, tc := range []struct{ name, answer, log string }{
		{"Content-Length and Transfer-Encoding",
			"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
			`upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time while reading response header from upstream`},
		{"two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
			`upstream sent duplicate header line: "Content-Length: 3", previous value: "Content-Length: 2" while reading response header from upstream`},
		{"Transfer-Encoding other than chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok",
			`upstream sent unknown "Transfer-Encoding": "gzip" while reading response header from upstream`},
		{"obs-fold", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\n 2\r\n\r\nok",
			`upstream sent invalid header: "\x20..." while reading response header from upstream`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, g, conns := badAnswerProxy(t, tc.answer)
			g.get(t, "/first")
			if code, _ := g.get(t, "/bad"); code != 502 {
				t.Fatalf("status %d, want 502", code)
			}
			if !s.log.has(tc.log) {
				t.Errorf("log %s, want %q", s.log, tc.log)
			}
			if code, body := g.get(t, "/after"); code != 200 || body != "/after" {
				t.Fatalf("after: %d %q", code, body)
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("%d upstream connections, want 2", n)
			}
		})
	}
}

// badAnswerProxy serves a proxy on a keepalive upstream whose backend
// answers /bad with answer and any other path with the path itself; conns
// counts the backend's connections.
func badAnswerProxy(t *testing.T, answer string) (*pxSetup, *pxGateway, *atomic.Int64) {
	t.Helper()
	conns := new(atomic.Int64)
	addr := pxRawBackend(t, func(c net.Conn) {
		conns.Add(1)
		pxAnswerAll(c, func(head string) string {
			if p := pxPathOf(head); p != "/bad" {
				return "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(p)) + "\r\n\r\n" + p
			}
			return answer
		})
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 4; }
		server { location / { proxy_pass http://u; } } }`, addr)
	return s, pxServe(t, s.p), conns
}
