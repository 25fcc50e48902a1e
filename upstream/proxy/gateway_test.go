package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/gw-proxy/gw/cmd/gw/fastserver"
	"github.com/gw-proxy/gw/conf/vars"
)

// pxGateway serves a proxy on an in-memory listener, as cmd/gw does: the
// fasthttp server is the one cmd/gw builds (fastserver.New).
type pxGateway struct {
	ln  *fasthttputil.InmemoryListener
	srv *fasthttp.Server

	mu     sync.Mutex
	tries  [][]vars.UpstreamTry // per request, in order
	codes  []int                // what Serve returned
	sticky []string             // $sticky_status per request
}

func pxServe(t testing.TB, p *Proxy) *pxGateway {
	t.Helper()
	g := &pxGateway{}
	return g.start(t, func(ctx *fasthttp.RequestCtx) { g.handle(p, ctx) })
}

// start serves h with cmd/gw's fasthttp server.
func (g *pxGateway) start(t testing.TB, h fasthttp.RequestHandler) *pxGateway {
	g.ln = fasthttputil.NewInmemoryListener()
	g.srv = pxFastServer(t, h)
	go g.srv.Serve(g.ln) //nolint:errcheck
	// Closing the listener is enough: Shutdown would poll for idle
	// connections in 100ms steps.
	t.Cleanup(func() { _ = g.ln.Close() })
	return g
}

// pxFastServer is cmd/gw's fasthttp server for h, with the settings of a
// default server that writes no client directive (nginx's defaults): no
// proxy test configures the client side of a connection. The connections
// it serves are not edge's, so edge's per-connection client timeouts and
// client-abort watch stay out of these tests; its checks of the request
// header (HeaderReceived) apply, and a request they refuse gets fasthttp's
// default error answer, not gw's page.
func pxFastServer(t testing.TB, h fasthttp.RequestHandler) *fasthttp.Server {
	t.Helper()
	st := pxConf(t, "http { server { } }").HTTP.Servers[0].Settings
	return fastserver.New(st, fastserver.Hooks{Handler: h, Logger: pxQuiet{}})
}

func (g *pxGateway) handle(p *Proxy, ctx *fasthttp.RequestCtx) {
	r := &vars.Request{Ctx: ctx, ServerName: "test", Start: time.Now()}
	code := p.Serve(ctx, r)
	if code != 0 {
		ctx.Response.SetStatusCode(code)
		ctx.Response.SetBodyString("gw answered")
	}
	g.mu.Lock()
	g.tries = append(g.tries, append([]vars.UpstreamTry(nil), r.Upstream...))
	g.codes = append(g.codes, code)
	g.sticky = append(g.sticky, string(r.StickyStatus))
	g.mu.Unlock()
}

// lastTries returns the tries of the last request handled.
func (g *pxGateway) lastTries() []vars.UpstreamTry {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.tries) == 0 {
		return nil
	}
	return g.tries[len(g.tries)-1]
}

// client returns a fasthttp client dialling the gateway in memory.
func (g *pxGateway) client(stream bool) *fasthttp.Client {
	return &fasthttp.Client{
		Dial:                          func(string) (net.Conn, error) { return g.ln.DialWithLocalAddr(pxClientAddr) },
		StreamResponseBody:            stream,
		DisableHeaderNamesNormalizing: true,
		ReadTimeout:                   10 * time.Second,
	}
}

// get sends a GET for uri and returns the status and body.
func (g *pxGateway) get(t testing.TB, uri string) (int, string) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://gw" + uri)
	if err := g.client(false).Do(req, resp); err != nil {
		t.Fatalf("GET %s: %v", uri, err)
	}
	return resp.StatusCode(), string(resp.Body())
}

// raw writes a request byte for byte and returns the raw response head
// and the body.
func (g *pxGateway) raw(t testing.TB, request string) (head, body string) {
	t.Helper()
	c, err := g.ln.DialWithLocalAddr(pxClientAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var h strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading response head: %v (got %q)", err, h.String())
		}
		h.WriteString(line)
		if line == "\r\n" {
			if strings.HasPrefix(h.String(), "HTTP/1.1 1") {
				h.Reset() // an interim response (100 Continue)
				continue
			}
			break
		}
	}
	var resp fasthttp.Response
	resp.Header.DisableNormalizing()
	if err := resp.Header.Read(bufio.NewReader(strings.NewReader(h.String()))); err != nil {
		t.Fatal(err)
	}
	if n := resp.Header.ContentLength(); n > 0 && !strings.HasPrefix(request, "HEAD") {
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	return h.String(), body
}

// status sends a GET and returns the status, or 0 on a transport error;
// it is safe to call from any goroutine.
func (g *pxGateway) status(uri string) int {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://gw" + uri)
	if err := g.client(false).Do(req, resp); err != nil {
		return 0
	}
	return resp.StatusCode()
}

// pxBenchRequest is the pooled per-request state of the benchmark's
// handler, as cmd/gw pools its own.
var pxBenchRequest = sync.Pool{New: func() any { return new(vars.Request) }}

// pxBenchHandle is the gateway handler without the tests' bookkeeping.
func pxBenchHandle(p *Proxy, ctx *fasthttp.RequestCtx) {
	r := pxBenchRequest.Get().(*vars.Request)
	r.Ctx, r.ServerName = ctx, "bench"
	if code := p.Serve(ctx, r); code != 0 {
		ctx.SetStatusCode(code)
	}
	r.Reset()
	pxBenchRequest.Put(r)
}
