package health

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/upstream/transport"
)

// maxCheckBody bounds what is read of a check response's body: enough for
// any health page, never a download.
const maxCheckBody = 64 << 10

// probeConn is a connection kept between HTTP probes when
// check_keepalive_requests allows it.
type probeConn struct {
	c      net.Conn
	br     *bufio.Reader
	served int
}

func (p *probeConn) close() {
	if p != nil {
		_ = p.c.Close()
	}
}

// probe checks t's server once, within the check's timeout, and returns
// why it failed, "" when it passed. One connection at a time, so check
// traffic to a server is bounded whatever the interval.
func (k *checker) probe(ctx context.Context, t *Target) string {
	ctx, cancel := context.WithTimeout(ctx, t.Check.Timeout)
	defer cancel()
	addr := probeAddr(t.Addr, t.Check.Port)
	switch t.Check.Type {
	case check.HTTP:
		return k.probeHTTP(ctx, t.Check, addr)
	case check.SSLHello:
		return probeTLS(ctx, addr)
	}
	c, reason := dial(ctx, addr)
	if c != nil {
		_ = c.Close()
	}
	return reason
}

// probeAddr is the server's address with the check's port, if it has one.
func probeAddr(addr string, port int) string {
	if port == 0 {
		return addr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// dial connects to addr, giving nginx's words for a failure.
func dial(ctx context.Context, addr string) (net.Conn, string) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, failure("connect() failed", err)
	}
	return c, ""
}

// failure renders a failed step: "connect() failed (111: Connection
// refused)", or "... timed out" when the check's timeout expired.
func failure(step string, err error) string {
	if transport.IsTimeout(err) {
		return step + " (timed out)"
	}
	return step + " (" + transport.ErrnoText(err) + ")"
}

// probeHTTP sends check_http_send and judges the response by its status
// class (check_http_expect_alive) and, if asked, its body. The connection
// is kept for check_keepalive_requests probes when the server keeps it.
func (k *checker) probeHTTP(ctx context.Context, cfg *check.Config, addr string) string {
	p := k.conn
	k.conn = nil
	if p == nil {
		c, reason := dial(ctx, addr)
		if c == nil {
			return reason
		}
		p = &probeConn{c: c, br: bufio.NewReaderSize(c, 4096)}
	}
	deadline, _ := ctx.Deadline()
	_ = p.c.SetDeadline(deadline)
	if _, err := p.c.Write(cfg.Send); err != nil {
		p.close()
		return failure("send() failed", err)
	}
	var resp fasthttp.Response
	err := resp.ReadLimitBody(p.br, maxCheckBody)
	if err != nil && !(errors.Is(err, fasthttp.ErrBodyTooLarge) && cfg.ExpectBody == "") {
		p.close()
		if errors.Is(err, fasthttp.ErrBodyTooLarge) {
			return "the response body is over " + strconv.Itoa(maxCheckBody) + " bytes"
		}
		return failure("recv() failed", err)
	}
	p.served++
	if err == nil && !resp.ConnectionClose() && p.served < cfg.KeepaliveRequests {
		k.conn = p
	} else {
		p.close()
	}
	code := resp.StatusCode()
	if !cfg.Expect.Has(code) {
		return "HTTP " + strconv.Itoa(code)
	}
	if cfg.ExpectBody != "" && !bytes.Contains(resp.Body(), []byte(cfg.ExpectBody)) {
		return "HTTP " + strconv.Itoa(code) + ", body without " + strconv.Quote(cfg.ExpectBody)
	}
	return ""
}

// probeTLS is type=ssl_hello: the server must answer a TLS ClientHello
// with a handshake. gw completes the handshake without verifying the
// certificate, which proves what Tengine's ServerHello check proves: a
// TLS server listens there.
func probeTLS(ctx context.Context, addr string) string {
	c, reason := dial(ctx, addr)
	if c == nil {
		return reason
	}
	defer c.Close()
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // a liveness probe, not a secure channel
	deadline, _ := ctx.Deadline()
	_ = c.SetDeadline(deadline)
	if err := tc.HandshakeContext(ctx); err != nil {
		if transport.IsTimeout(err) {
			return "SSL handshake failed (timed out)"
		}
		return "SSL handshake failed (" + err.Error() + ")"
	}
	return ""
}
