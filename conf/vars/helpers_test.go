package vars

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// fakeConn gives a RequestCtx its two addresses; nothing is ever read or
// written through it.
type fakeConn struct {
	net.Conn
	local, remote net.Addr
}

func (c *fakeConn) LocalAddr() net.Addr  { return c.local }
func (c *fakeConn) RemoteAddr() net.Addr { return c.remote }

// fakeTLSConn is what fasthttp's IsTLS recognises as a TLS connection.
type fakeTLSConn struct{ fakeConn }

func (*fakeTLSConn) Handshake() error                     { return nil }
func (*fakeTLSConn) ConnectionState() tls.ConnectionState { return tls.ConnectionState{} }

var (
	clientAddr = &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 51234}
	serverAddr = &net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 8080}
)

// newCtx builds the RequestCtx of raw (a request as sent on the wire, with
// "\n" line ends turned into CRLF) arriving from clientAddr at serverAddr.
func newCtx(tb testing.TB, raw string) *fasthttp.RequestCtx {
	tb.Helper()
	return newCtxOn(tb, raw, &fakeConn{local: serverAddr, remote: clientAddr})
}

func newCtxOn(tb testing.TB, raw string, conn net.Conn) *fasthttp.RequestCtx {
	tb.Helper()
	var req fasthttp.Request
	wire := strings.ReplaceAll(raw, "\n", "\r\n")
	if err := req.Read(bufio.NewReader(strings.NewReader(wire))); err != nil {
		tb.Fatalf("reading test request: %v", err)
	}
	ctx := new(fasthttp.RequestCtx)
	ctx.Init2(conn, nil, false)
	req.CopyTo(&ctx.Request)
	return ctx
}

// eval parses src and evaluates it for r.
func eval(tb testing.TB, src string, r *Request) string {
	tb.Helper()
	t, err := Parse(src)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", src, err)
	}
	return string(t.Append(nil, r))
}

// sample is a request that exercises most variables: repeated headers in
// mixed case, two Cookie lines, arguments with odd cases, and a body.
const sample = `POST /a/b%20c/../d?x=1&Name=J%20D&y=&x=2 HTTP/1.1
Host: Example.COM:8080
User-Agent: curl/8.5
X-Forwarded-For: 203.0.113.1
x-forwarded-for: 203.0.113.2
Cookie: a=1; session=abc
cookie: route=r2, other=x
X-Empty:
Content-Type: text/plain
Content-Length: 5

hello`
