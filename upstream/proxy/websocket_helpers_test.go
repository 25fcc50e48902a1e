package proxy

import (
	"bufio"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/tunnel"
)

// The helpers of the WebSocket tests are prefixed ws.

// RFC 6455 section 1.3's example key and the accept value it gives.
const (
	wsKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	wsAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

// wsHandshake is a client's handshake for uri asking for protocol up.
func wsHandshake(uri, up string) string {
	return "GET " + uri + " HTTP/1.1\r\nHost: gw.test\r\nUpgrade: " + up + "\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + wsKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
}

// wsFrame is one final text frame; clients mask theirs (RFC 6455 5.3).
func wsFrame(payload string, masked bool) []byte {
	if len(payload) > 125 {
		panic("test frames are short")
	}
	f := []byte{0x81, byte(len(payload))}
	if !masked {
		return append(f, payload...)
	}
	mask := [4]byte{7, 1, 2, 9}
	f[1] |= 0x80
	f = append(f, mask[:]...)
	for i := 0; i < len(payload); i++ {
		f = append(f, payload[i]^mask[i%4])
	}
	return f
}

// wsReadFrame reads one short frame, masked or not, and returns its payload.
func wsReadFrame(r *bufio.Reader) (string, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return "", err
	}
	var mask [4]byte
	if h[1]&0x80 != 0 {
		if _, err := io.ReadFull(r, mask[:]); err != nil {
			return "", err
		}
	}
	p := make([]byte, h[1]&0x7f)
	if _, err := io.ReadFull(r, p); err != nil {
		return "", err
	}
	for i := range p {
		p[i] ^= mask[i%4]
	}
	return string(p), nil
}

// wsHeader returns the value of the first line named name in a raw head.
func wsHeader(head, name string) (string, bool) {
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// wsCount counts the lines named name in a raw head.
func wsCount(head, name string) int {
	n := 0
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if k, _, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			n++
		}
	}
	return n
}

// wsBackend is a raw WebSocket server on 127.0.0.1:0: serve gets each
// connection after its first request head, so a test says exactly what
// crosses. heads receives every such head; ended counts the connections
// whose serve returned (gw closed them, or serve gave up).
type wsBackend struct {
	addr  string
	heads chan string
	ended atomic.Int64
}

// wsStartBackend starts a backend, over TLS when cfg is set.
func wsStartBackend(t testing.TB, cfg *tls.Config, serve func(c net.Conn, br *bufio.Reader, head string)) *wsBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	t.Cleanup(func() { _ = ln.Close() })
	b := &wsBackend{addr: ln.Addr().String(), heads: make(chan string, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer b.ended.Add(1)
				defer c.Close()
				br := bufio.NewReader(c)
				head, err := pxReadHead(br)
				if err != nil {
					return
				}
				b.heads <- head
				serve(c, br, head)
			}()
		}
	}()
	return b
}

// head returns the next request head the backend received.
func (b *wsBackend) head(t testing.TB) string {
	t.Helper()
	select {
	case h := <-b.heads:
		return h
	case <-time.After(5 * time.Second):
		t.Fatal("the backend received no request")
		return ""
	}
}

// ws101 is the backend's switch for a handshake head, followed by extra
// bytes in the same write.
func ws101(c net.Conn, head string, extra []byte) {
	key, _ := wsHeader(head, "Sec-WebSocket-Key")
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	up, _ := wsHeader(head, "Upgrade")
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + up + "\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\nX-Backend: ws\r\n\r\n"
	_, _ = c.Write(append([]byte(resp), extra...))
}

// wsEcho sends every frame back, unmasked, until the client's side ends.
func wsEcho(c net.Conn, br *bufio.Reader) {
	for {
		msg, err := wsReadFrame(br)
		if err != nil {
			return
		}
		if _, err := c.Write(wsFrame(msg, false)); err != nil {
			return
		}
	}
}

// wsEchoServer switches every handshake and echoes; other requests get a
// plain 200 "plain".
func wsEchoServer(c net.Conn, br *bufio.Reader, head string) {
	if _, ok := wsHeader(head, "Upgrade"); !ok {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nplain")
		return
	}
	ws101(c, head, nil)
	wsEcho(c, br)
}

// wsTLSConfig is a server configuration with httptest's certificate.
func wsTLSConfig(t testing.TB) *tls.Config {
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	cfg := srv.TLS.Clone()
	srv.Close()
	return cfg
}

// wsSetup is a proxy served over TCP (half-closes need real sockets) with
// its tunnels tracked.
type wsSetup struct {
	*pxSetup
	g    *pxGateway
	addr string
	reg  *tunnel.Tunnels
}

// wsServe builds the proxy of location loc and serves it with cmd/gw's
// fasthttp server.
func wsServe(t testing.TB, loc, src string, args ...any) *wsSetup {
	t.Helper()
	return wsServeWith(t, nil, loc, src, args...)
}

// wsServeWith is wsServe with a change to the fasthttp server's options.
func wsServeWith(t testing.TB, tweak func(*fasthttp.Server), loc, src string, args ...any) *wsSetup {
	t.Helper()
	s := &wsSetup{pxSetup: pxBuild(t, nil, loc, src, args...), g: &pxGateway{}, reg: tunnel.NewTunnels()}
	s.p.tunnel.Registry = s.reg
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	srv := pxFastServer(t, func(ctx *fasthttp.RequestCtx) { s.g.handle(s.p, ctx) })
	if tweak != nil {
		tweak(srv)
	}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() {
		_ = ln.Close()
		s.reg.CloseAll()
	})
	return s
}

// wsClient is a client connection to the gateway.
type wsClient struct {
	net.Conn
	br *bufio.Reader
}

// dial connects to the gateway and sends request.
func (s *wsSetup) dial(t testing.TB, request string) *wsClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	return &wsClient{Conn: c, br: bufio.NewReader(c)}
}

// head reads the response head.
func (c *wsClient) head(t testing.TB) string {
	t.Helper()
	h, err := pxReadHead(c.br)
	if err != nil {
		t.Fatalf("reading the response head: %v (got %q)", err, h)
	}
	return h
}

// send writes one masked frame.
func (c *wsClient) send(t testing.TB, msg string) {
	t.Helper()
	if _, err := c.Write(wsFrame(msg, true)); err != nil {
		t.Fatal(err)
	}
}

// expect reads one frame and checks its payload.
func (c *wsClient) expect(t testing.TB, want string) {
	t.Helper()
	got, err := wsReadFrame(c.br)
	if err != nil || got != want {
		t.Fatalf("frame %q (%v), want %q", got, err, want)
	}
}

// expectEOF checks that gw closes the client's side.
func (c *wsClient) expectEOF(t testing.TB) {
	t.Helper()
	if b, err := c.br.ReadByte(); err != io.EOF {
		t.Fatalf("read %q, %v; want EOF", b, err)
	}
}

// switched opens a tunnel to uri and checks the 101.
func (s *wsSetup) switched(t testing.TB, uri string) *wsClient {
	t.Helper()
	c := s.dial(t, wsHandshake(uri, "websocket"))
	if h := c.head(t); !strings.HasPrefix(h, "HTTP/1.1 101 ") {
		t.Fatalf("no switch: %q\n%s", h, s.log)
	}
	return c
}

// conns is the number of requests counted on the upstream's first peer.
func (s *wsSetup) conns() int64 { return s.p.Upstream().Peers[0].State().Conns() }
