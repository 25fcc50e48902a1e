package proxy

import (
	"bufio"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// pxZeros is an endless source of zero bytes.
type pxZeros struct{}

func (pxZeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// pxHeapPeak samples HeapInuse while f runs and returns how far it rose
// above the level before.
func pxHeapPeak(f func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-sampled
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

func TestStreamingDownloadHasBoundedMemory(t *testing.T) {
	const size = 64 << 20
	for _, tc := range []struct {
		name   string
		length int // Content-Length the backend announces; -1: chunked
	}{{"content-length", size}, {"chunked", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
				ctx.SetBodyStream(io.LimitReader(pxZeros{}, size), tc.length)
			})
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; }
				server { location / { proxy_pass http://u; } } }`, be.addr)
			g := pxServe(t, s.p)
			var got int64
			rise := pxHeapPeak(func() {
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(resp)
				req.SetRequestURI("http://gw/big")
				if err := g.client(true).Do(req, resp); err != nil {
					t.Error(err)
					return
				}
				got, _ = io.Copy(io.Discard, resp.BodyStream())
				_ = resp.CloseBodyStream()
			})
			if got != size {
				t.Fatalf("received %d bytes, want %d\n%s", got, size, s.log)
			}
			if rise > 16<<20 && !raceEnabled {
				t.Errorf("heap grew by %d MiB while streaming %d MiB", rise>>20, size>>20)
			}
			t.Logf("heap rise %d KiB for %d MiB", rise>>10, size>>20)
			// The peer is released once the body is through, and the
			// connection went back to the pool.
			pxEventually(t, func() bool { return s.p.up.Peers[0].State().Conns() == 0 })
			if code, _ := g.get(t, "/small"); code != 200 || be.conns.Load() != 1 {
				t.Errorf("after the download: status %d, %d backend connections", code, be.conns.Load())
			}
		})
	}
}

// pxUploadBackend counts the body bytes of each request without keeping
// them, and records how the body was framed.
func pxUploadBackend(t *testing.T, got *atomic.Int64, framing *atomic.Value) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{
		StreamRequestBody: true,
		Logger:            pxQuiet{},
		Handler: func(ctx *fasthttp.RequestCtx) {
			n, _ := io.Copy(io.Discard, ctx.RequestBodyStream())
			got.Store(n)
			framing.Store(string(ctx.Request.Header.Protocol()) + " " + strings.Trim(
				string(ctx.Request.Header.Peek("Transfer-Encoding"))+" "+string(ctx.Request.Header.Peek("Content-Length")), " "))
			ctx.SetBodyString("stored")
		},
	}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}

func TestStreamingUpload(t *testing.T) {
	const size = 32 << 20
	for _, tc := range []struct {
		name     string
		length   int    // -1: the client sends it chunked
		upstream string // upstream block extras
		framing  string // how the backend receives it
	}{
		{"content-length streams", size, "", "HTTP/1.0 33554432"},
		{"chunked streams chunked over HTTP/1.1", -1, "keepalive 2;", "HTTP/1.1 chunked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got atomic.Int64
			var framing atomic.Value
			addr := pxUploadBackend(t, &got, &framing)
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; %s }
				server { client_max_body_size 0; location / { proxy_pass http://u; } } }`, addr, tc.upstream)
			g := pxServe(t, s.p)
			rise := pxHeapPeak(func() {
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(resp)
				req.Header.SetMethod("PUT")
				req.SetRequestURI("http://gw/upload")
				// Hidden behind a struct, the LimitedReader cannot tell
				// fasthttp its size: a -1 length goes out chunked.
				req.SetBodyStream(struct{ io.Reader }{io.LimitReader(pxZeros{}, size)}, tc.length)
				if err := g.client(false).Do(req, resp); err != nil || string(resp.Body()) != "stored" {
					t.Errorf("upload: %v %d %q\n%s", err, resp.StatusCode(), resp.Body(), s.log)
				}
			})
			if got.Load() != size {
				t.Fatalf("backend got %d bytes, want %d", got.Load(), size)
			}
			if f := framing.Load(); f != tc.framing {
				t.Errorf("backend saw %q, want %q", f, tc.framing)
			}
			if rise > 16<<20 && !raceEnabled {
				t.Errorf("heap grew by %d MiB while uploading %d MiB", rise>>20, size>>20)
			}
		})
	}
}

func TestChunkedUploadToHTTP10IsSentWithALength(t *testing.T) {
	var got atomic.Int64
	var framing atomic.Value
	addr := pxUploadBackend(t, &got, &framing)
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, addr)
	g := pxServe(t, s.p)
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.Header.SetMethod("POST")
	req.SetRequestURI("http://gw/")
	req.SetBodyStream(strings.NewReader(strings.Repeat("x", 100000)), -1)
	if err := g.client(false).Do(req, resp); err != nil || resp.StatusCode() != 200 {
		t.Fatalf("%v %d", err, resp.StatusCode())
	}
	if got.Load() != 100000 || framing.Load() != "HTTP/1.0 100000" {
		t.Errorf("backend got %d bytes framed %q", got.Load(), framing.Load())
	}
}

func TestClientMaxBodySize(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   int
		length int // -1: chunked
		want   int
	}{
		{"announced length within the limit", 1000, 1000, 200},
		{"announced length over the limit", 1025, 1025, 413},
		{"chunked within the limit", 1000, -1, 200},
		{"chunked over the limit", 300000, -1, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := pxStartBackend(t, nil)
			s := pxBuild(t, nil, "/", `http { server { client_max_body_size 1k;
				location / { proxy_pass http://%s; proxy_request_buffering off; } } }`, be.addr)
			g := pxServe(t, s.p)
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.Header.SetMethod("POST")
			req.SetRequestURI("http://gw/")
			req.SetBodyStream(strings.NewReader(strings.Repeat("x", tc.body)), tc.length)
			err := g.client(false).Do(req, resp)
			if err != nil && tc.want != 413 {
				t.Fatal(err)
			}
			if err == nil && resp.StatusCode() != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode(), tc.want)
			}
			if tc.want == 413 {
				if !s.log.has("client intended to send too large body") {
					t.Errorf("error log: %s", s.log)
				}
				if tc.length >= 0 && be.count() != 0 {
					t.Error("an announced oversized body reached the backend")
				}
			}
		})
	}
}

func TestProxyBufferingOffStreamsAsItComes(t *testing.T) {
	slow := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\na")
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(c, "b")
	})
	for _, tc := range []struct {
		buffering string
		early     bool // the first byte arrives before the second is sent
	}{{"off", true}, {"on", false}} {
		t.Run("proxy_buffering "+tc.buffering, func(t *testing.T) {
			s := pxBuild(t, nil, "/", `http { server { location / {
				proxy_pass http://%s; proxy_buffering %s; } } }`, slow, tc.buffering)
			g := pxServe(t, s.p)
			c, err := g.ln.DialWithLocalAddr(pxClientAddr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: gw\r\n\r\n")
			br := bufio.NewReader(c)
			if _, err := pxReadHead(br); err != nil {
				t.Fatal(err)
			}
			if b, err := br.ReadByte(); err != nil || b != 'a' {
				t.Fatalf("first byte %q %v", b, err)
			}
			if early := time.Since(start) < 200*time.Millisecond; early != tc.early {
				t.Errorf("first byte after %v", time.Since(start))
			}
			if b, err := br.ReadByte(); err != nil || b != 'b' {
				t.Fatalf("second byte %q %v", b, err)
			}
		})
	}
}

func TestUnreadBodyClosesTheClientConnection(t *testing.T) {
	dead := pxDeadAddr(t)
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, dead)
	g := pxServe(t, s.p)
	body := strings.Repeat("x", 200000) // over client_body_buffer_size: streamed, never read
	head, _ := g.raw(t, "POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: 200000\r\n\r\n"+body)
	if !strings.HasPrefix(head, "HTTP/1.1 502") || !strings.Contains(head, "Connection: close\r\n") {
		t.Errorf("response %q", head)
	}
}

func TestTruncatedUpstreamBody(t *testing.T) {
	// The backend promises n bytes, sends half and closes.
	truncating := func(n int) string {
		return pxRawBackend(t, func(c net.Conn) {
			defer c.Close()
			if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
				return
			}
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(n)+"\r\n\r\n"+strings.Repeat("x", n/2))
		})
	}
	t.Run("small body: gw answers 502", func(t *testing.T) {
		s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, truncating(1000))
		g := pxServe(t, s.p)
		if code, _ := g.get(t, "/"); code != 502 {
			t.Errorf("status %d, want 502", code)
		}
		if !s.log.has("upstream prematurely closed connection while reading upstream") {
			t.Errorf("error log: %s", s.log)
		}
	})
	t.Run("streamed body: the client's response is cut", func(t *testing.T) {
		s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, truncating(1<<20))
		g := pxServe(t, s.p)
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI("http://gw/")
		if err := g.client(false).Do(req, resp); err == nil {
			t.Errorf("a cut body arrived whole: %d bytes", len(resp.Body()))
		}
		pxEventually(t, func() bool { return s.log.has("upstream prematurely closed connection while reading upstream") })
		pxEventually(t, func() bool { return s.p.up.Peers[0].State().Conns() == 0 })
	})
}

func TestProxyBufferingOffKeepsChunkedFraming(t *testing.T) {
	slow := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n")
		time.Sleep(50 * time.Millisecond)
		_, _ = io.WriteString(c, "1\r\nb\r\n0\r\n\r\n")
	})
	s := pxBuild(t, nil, "/", `http { server { location / {
		proxy_pass http://%s; proxy_buffering off; } } }`, slow)
	g := pxServe(t, s.p)
	// fasthttp's client rejects a body that is not chunked as announced.
	if code, body := g.get(t, "/"); code != 200 || body != "ab" {
		t.Errorf("status %d, body %q", code, body)
	}
}
