package proxy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/transport"
	"github.com/gw-proxy/gw/upstream/transport/transporttest"
)

// The helpers of the proxy tests are prefixed px, apart from the
// balancer tests' helpers.

// pxClientAddr is the simulated address of the test client.
var pxClientAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

// pxConf builds a configuration from text (an http block), failing the test
// on error.
func pxConf(t testing.TB, src string) *conf.Config {
	t.Helper()
	tree, err := parser.Parse("test.conf", []byte("events {}\n"+src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	cfg, err := conf.Build(tree, t.TempDir())
	if err != nil {
		t.Fatalf("build: %v\n%s", err, src)
	}
	return cfg
}

// pxLocation finds the location with the pattern in the first server.
func pxLocation(t testing.TB, cfg *conf.Config, pattern string) *conf.Location {
	t.Helper()
	var find func([]*conf.Location) *conf.Location
	find = func(locs []*conf.Location) *conf.Location {
		for _, l := range locs {
			if l.Pattern == pattern {
				return l
			}
			if f := find(l.Locations); f != nil {
				return f
			}
		}
		return nil
	}
	if l := find(cfg.HTTP.Servers[0].Locations); l != nil {
		return l
	}
	t.Fatalf("no location %q", pattern)
	return nil
}

// pxLog is a concurrency-safe buffer for the error log.
type pxLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *pxLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *pxLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// has reports whether a logged message contains text.
func (l *pxLog) has(text string) bool {
	for _, line := range strings.Split(l.String(), "\n") {
		var e struct{ Message string }
		if json.Unmarshal([]byte(line), &e) == nil && strings.Contains(e.Message, text) {
			return true
		}
	}
	return false
}

// pxSetup is a proxy built from a configuration with its error log.
type pxSetup struct {
	p     *Proxy
	b     *Builder
	log   *pxLog
	pools *transport.Pools
}

// pxBuild compiles the proxy of the location with pattern loc in an http
// block; %s verbs in src are replaced by args first.
func pxBuild(t testing.TB, pools *transport.Pools, loc, src string, args ...any) *pxSetup {
	t.Helper()
	cfg := pxConf(t, fmt.Sprintf(src, args...))
	s := &pxSetup{log: &pxLog{}, pools: pools}
	if s.pools == nil {
		s.pools = transport.NewPools()
	}
	log := zerolog.New(s.log)
	s.b = NewBuilder(Options{Pools: s.pools, Log: log, Persistence: persist.For(nil, &log)})
	p, err := s.b.Proxy(pxLocation(t, cfg, loc))
	if err != nil || p == nil {
		t.Fatalf("proxy: %v", err)
	}
	s.p = p
	return s
}

// pxBackend is a fasthttp server on 127.0.0.1:0 that records what it
// receives: the raw request line and header block, byte for byte.
type pxBackend struct {
	addr  string
	ln    net.Listener
	srv   *fasthttp.Server
	conns atomic.Int64 // connections accepted

	mu   sync.Mutex
	seen []pxSeen
}

// pxSeen is one request as the backend received it.
type pxSeen struct {
	method, uri, proto string
	header             string // raw header block
	body               []byte
}

func pxStartBackend(t testing.TB, h fasthttp.RequestHandler) *pxBackend {
	return pxStartBackendRecording(t, h, true)
}

// pxStartBackendRecording starts a backend that records what it receives
// only when record is set (benchmarks do not).
func pxStartBackendRecording(t testing.TB, h fasthttp.RequestHandler, record bool) *pxBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &pxBackend{addr: ln.Addr().String()}
	b.ln = &pxCountingListener{Listener: ln, n: &b.conns}
	b.srv = &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			if !record {
				h(ctx)
				return
			}
			b.mu.Lock()
			b.seen = append(b.seen, pxSeen{
				method: string(ctx.Method()), uri: string(ctx.Request.Header.RequestURI()),
				proto:  string(ctx.Request.Header.Protocol()),
				header: string(ctx.Request.Header.RawHeaders()), body: append([]byte(nil), ctx.Request.Body()...),
			})
			b.mu.Unlock()
			if h != nil {
				h(ctx)
				return
			}
			ctx.SetBodyString("ok")
		},
		DisableHeaderNamesNormalizing: true,
		MaxRequestBodySize:            1 << 30,
		Logger:                        pxQuiet{},
	}
	go b.srv.Serve(b.ln) //nolint:errcheck
	t.Cleanup(func() { _ = b.ln.Close() })
	return b
}

// last returns the last request the backend saw.
func (b *pxBackend) last(t testing.TB) pxSeen {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.seen) == 0 {
		t.Fatal("the backend saw no request")
	}
	return b.seen[len(b.seen)-1]
}

func (b *pxBackend) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.seen)
}

// pxCountingListener counts accepted connections.
type pxCountingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *pxCountingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// pxRawBackend accepts connections on 127.0.0.1:0 and hands each to serve.
func pxRawBackend(t testing.TB, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().String()
}

// pxReadHead reads one request head from a raw connection.
func pxReadHead(br *bufio.Reader) (string, error) {
	var h strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return h.String(), err
		}
		h.WriteString(line)
		if line == "\r\n" {
			return h.String(), nil
		}
	}
}

// pxDeadAddr returns a loopback address nothing listens on.
func pxDeadAddr(t testing.TB) string { return transporttest.DeadAddr(t) }

// pxAnswerAll answers every request (without body) on c with respond's
// raw response, until the peer closes.
func pxAnswerAll(c net.Conn, respond func(head string) string) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		head, err := pxReadHead(br)
		if err != nil {
			return
		}
		if _, err := io.WriteString(c, respond(head)); err != nil {
			return
		}
	}
}

// pxQuiet silences fasthttp's own log lines about closed test connections.
type pxQuiet struct{}

func (pxQuiet) Printf(string, ...any) {}

// pxEventually polls cond until it holds, failing the test after 5s.
func pxEventually(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
