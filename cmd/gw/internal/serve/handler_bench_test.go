package serve

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/proxy"
	"github.com/gw-proxy/gw/upstream/transport"
)

// benchConfig proxies / to a stub backend with upstream keep-alive, as the
// `rr` scenario of bench/ (plain proxying without persistence) does, plus a
// return location.
const benchConfig = `
events {}
http {
    access_log off;
    upstream app { server %s; keepalive 16; }
    server {
        listen 127.0.0.1:1;
        location / { proxy_pass http://app; }
        location = /return { return 200 "ok"; }
        location = /variable { proxy_pass http://$arg_up; }
        location = /allowed { allow 10.0.0.0/8; allow 127.0.0.1; deny all; return 200 "ok"; }
        location = /branch {
            set $who "user-$arg_r";
            if ($arg_r ~ ^b) { add_header X-Branch $who; }
            proxy_pass http://app;
        }
    }
}
`

// stubBackend answers every request with a small 200 over real loopback
// TCP, as the proxy dials TCP.
func stubBackend(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("hello") }}
	go srv.Serve(ln)
	b.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// benchRuntime compiles a configuration the way gw start-up does.
func benchRuntime(b *testing.B, text string) *runtime {
	b.Helper()
	dir := b.TempDir()
	file := filepath.Join(dir, "gw.conf")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := conf.Load(conf.LoadOptions{Prefix: dir, File: file})
	if err != nil {
		b.Fatal(err)
	}
	rt, err := compile(cfg, 1, proxy.Options{Pools: transport.NewPools(), Store: upstream.NewStateStore(), Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	return rt
}

// benchClient is the address the benchmark's clients connect from.
var benchClient = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}

// benchHandler runs requests for uri through gw's handler over an
// in-memory listener, one keep-alive client connection per goroutine.
func benchHandler(b *testing.B, uri string) {
	rt := benchRuntime(b, fmt.Sprintf(benchConfig, stubBackend(b)))
	l := &listener{}
	l.binding.Store(&binding{rt: rt, sock: 0, scheme: "http"})
	ln := fasthttputil.NewInmemoryListener()
	srv := l.newFastServer(rt.cfg.HTTP.Servers[0].Settings) // gw's own server options
	go srv.Serve(ln)
	defer ln.Close()

	req := []byte("GET " + uri + " HTTP/1.1\r\nHost: bench.test\r\n\r\n")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var c net.Conn
		var br *bufio.Reader
		defer func() {
			if c != nil {
				c.Close()
			}
		}()
		var resp fasthttp.Response
		for pb.Next() {
			if c == nil {
				var err error
				if c, err = ln.DialWithLocalAddr(benchClient); err != nil {
					b.Error(err)
					return
				}
				br = bufio.NewReader(c)
			}
			if _, err := c.Write(req); err != nil {
				b.Error(err)
				return
			}
			if err := resp.Read(br); err != nil || resp.StatusCode() != 200 {
				b.Errorf("status %d: %v", resp.StatusCode(), err)
				return
			}
			if resp.ConnectionClose() { // keepalive_requests reached
				c.Close()
				c = nil
			}
		}
	})
}

// BenchmarkHandlerProxy is the whole proxied request: server and location
// selection, the proxy with upstream keep-alive, the response.
func BenchmarkHandlerProxy(b *testing.B) { benchHandler(b, "/") }

// BenchmarkHandlerProxyVariable is BenchmarkHandlerProxy through
// `proxy_pass http://$arg_up;` naming the same upstream.
func BenchmarkHandlerProxyVariable(b *testing.B) { benchHandler(b, "/variable?up=app") }

// BenchmarkHandlerIfBranch is BenchmarkHandlerProxy through a location's
// set and an if whose block (add_header) answers: the rewrite script, the
// switch to the block's configuration and its header.
func BenchmarkHandlerIfBranch(b *testing.B) { benchHandler(b, "/branch?r=b") }

// BenchmarkHandlerReturn is a request answered by return.
func BenchmarkHandlerReturn(b *testing.B) { benchHandler(b, "/return") }

// BenchmarkHandlerAllowed is a request that allow/deny rules let through
// to a return: the address check allocates nothing either.
func BenchmarkHandlerAllowed(b *testing.B) { benchHandler(b, "/allowed") }
