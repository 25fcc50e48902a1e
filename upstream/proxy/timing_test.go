package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

// pxEnded is what a request's variables held when it ended: when the access
// log would be written.
type pxEnded struct {
	tries     []vars.UpstreamTry
	bodyBytes int64
	bytesSent int64
	took      time.Duration // Start to End, as $request_time
	returned  time.Duration // Start to the return of Serve
}

// pxEnder records a request's variables when it ends, as cmd/gw's server
// writes its access log then.
type pxEnder struct {
	r        *vars.Request
	returned time.Duration
	done     chan pxEnded
}

func (e *pxEnder) EndRequest() {
	end := e.r.End
	if end.IsZero() {
		end = time.Now()
	}
	e.done <- pxEnded{
		tries:     append([]vars.UpstreamTry(nil), e.r.Upstream...),
		bodyBytes: e.r.BodyBytesSent,
		bytesSent: e.r.BytesSent,
		took:      end.Sub(e.r.Start),
		returned:  e.returned,
	}
}

// pxServeEnding serves p like cmd/gw: the request has an Ender, called by
// the handler when it is still there on return, else by the proxy once the
// response has gone. Every ended request is sent on the returned channel.
func pxServeEnding(t testing.TB, p *Proxy) (*pxGateway, chan pxEnded) {
	t.Helper()
	done := make(chan pxEnded, 16)
	var mu sync.Mutex // one Request per handler call; the lock only orders the test's reads
	g := &pxGateway{}
	g.start(t, func(ctx *fasthttp.RequestCtx) {
		mu.Lock()
		defer mu.Unlock()
		r := &vars.Request{Ctx: ctx, ServerName: "test", Start: time.Now()}
		e := &pxEnder{r: r, done: done}
		r.Ender = e
		if code := p.Serve(ctx, r); code != 0 {
			ctx.Response.SetStatusCode(code)
		}
		e.returned = time.Since(r.Start)
		if r.Ender != nil {
			r.Ender.EndRequest()
		}
	})
	return g, done
}

func pxWaitEnded(t *testing.T, done chan pxEnded) pxEnded {
	t.Helper()
	select {
	case e := <-done:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not end")
		return pxEnded{}
	}
}

// A body the upstream sends slowly after a quick header: nginx's upstream
// response time ends when the body has been read, and the request (its
// access log) ends only when the body has gone to the client.
func TestStreamedBodyTimesCoverTheBody(t *testing.T) {
	const pieces, pause = 4, 80 * time.Millisecond
	piece := strings.Repeat("x", 1000)
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
			for range pieces {
				_, _ = w.WriteString(piece)
				_ = w.Flush() // the first flush sends the header too
				time.Sleep(pause)
			}
		})
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; } server { location / { proxy_pass http://u; } } }`, be.addr)
	g, done := pxServeEnding(t, s.p)
	if code, body := g.get(t, "/slow"); code != 200 || len(body) != pieces*len(piece) {
		t.Fatalf("got %d, %d bytes", code, len(body))
	}
	e := pxWaitEnded(t, done)
	if len(e.tries) != 1 {
		t.Fatalf("tries %+v", e.tries)
	}
	try := e.tries[0]
	whole := pieces * pause
	if try.ResponseTime < whole {
		t.Errorf("upstream response time %v, want the whole body (>= %v)", try.ResponseTime, whole)
	}
	if try.HeaderTime >= pause {
		t.Errorf("upstream header time %v, want the header's alone (< %v)", try.HeaderTime, pause)
	}
	if e.returned >= pause {
		t.Errorf("Serve returned after %v: the body did not stream", e.returned)
	}
	if e.took < try.ResponseTime {
		t.Errorf("request time %v, shorter than the upstream's %v", e.took, try.ResponseTime)
	}
	n := int64(pieces * len(piece))
	if try.ResponseLength != n || e.bodyBytes != n {
		t.Errorf("upstream response length %d, body bytes sent %d, want %d", try.ResponseLength, e.bodyBytes, n)
	}
	if try.BytesReceived <= n || try.BytesSent <= 0 {
		t.Errorf("upstream bytes received %d (want the header and the chunked body, > %d), sent %d",
			try.BytesReceived, n, try.BytesSent)
	}
}

// A small body is read at once, and its sizes are the same; the second
// request on the kept connection counts its own bytes only.
func TestBufferedBodySizes(t *testing.T) {
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("twelve bytes") })
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; keepalive 2; } server { location / { proxy_pass http://u; } } }`, be.addr)
	g, done := pxServeEnding(t, s.p)
	var got [2]vars.UpstreamTry
	for i := range got {
		if code, body := g.get(t, "/small"); code != 200 || body != "twelve bytes" {
			t.Fatalf("got %d %q", code, body)
		}
		e := pxWaitEnded(t, done)
		got[i] = e.tries[0]
		if e.bodyBytes != 12 {
			t.Errorf("request %d: body bytes sent %d, want 12", i, e.bodyBytes)
		}
	}
	for i, try := range got {
		if try.ResponseLength != 12 || try.BytesReceived <= 12 || try.BytesReceived > 400 || try.BytesSent <= 0 {
			t.Errorf("request %d: length %d, received %d, sent %d", i, try.ResponseLength, try.BytesReceived, try.BytesSent)
		}
	}
	if got[0].BytesReceived != got[1].BytesReceived || got[0].BytesSent != got[1].BytesSent {
		t.Errorf("the kept connection's second request counted %+v, the first %+v", got[1], got[0])
	}
	if be.conns.Load() != 1 {
		t.Errorf("%d backend connections, want the kept one", be.conns.Load())
	}
}

// A try that failed has its elapsed time as response time, as nginx logs
// it, while the header it never got stays "-".
func TestFailedTryIsTimed(t *testing.T) {
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("ok") })
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s backup; } server { location / { proxy_pass http://u; } } }`,
		pxDeadAddr(t), be.addr)
	g, done := pxServeEnding(t, s.p)
	if code, _ := g.get(t, "/"); code != 200 {
		t.Fatalf("got %d\n%s", code, s.log)
	}
	e := pxWaitEnded(t, done)
	if len(e.tries) != 2 {
		t.Fatalf("tries %+v", e.tries)
	}
	failed := e.tries[0]
	if failed.Status != 502 || failed.ResponseTime < 0 || failed.HeaderTime != vars.Unmeasured ||
		failed.ConnectTime != vars.Unmeasured {
		t.Errorf("failed try %+v, want 502, a response time, no header or connect time", failed)
	}
	if failed.ResponseLength != 0 || failed.BytesReceived != 0 || failed.BytesSent != 0 {
		t.Errorf("failed try %+v, want no bytes", failed)
	}
}

// The upstream's bytes are counted exactly: the response as it came on the
// wire, chunk framing included, and the request as gw sent it.
func TestUpstreamBytesAreTheWire(t *testing.T) {
	const response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
	var reqLen atomic.Int64
	addr := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		head, err := pxReadHead(br)
		if err != nil {
			return
		}
		reqLen.Store(int64(len(head)))
		_, _ = io.WriteString(c, response)
		time.Sleep(50 * time.Millisecond) // the body ends with its last chunk, not the close
	})
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; proxy_buffering off; } } }`, addr)
	g, done := pxServeEnding(t, s.p)
	if code, body := g.get(t, "/"); code != 200 || body != "hello world" {
		t.Fatalf("got %d %q", code, body)
	}
	try := pxWaitEnded(t, done).tries[0]
	if try.ResponseLength != 11 || try.BytesReceived != int64(len(response)) || try.BytesSent != reqLen.Load() {
		t.Errorf("length %d, received %d, sent %d; want 11, %d, %d",
			try.ResponseLength, try.BytesReceived, try.BytesSent, len(response), reqLen.Load())
	}
}
