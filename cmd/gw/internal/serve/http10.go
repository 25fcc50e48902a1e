package serve

import (
	"io"
	"net"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/transport"
)

// HTTP/1.0 has no chunked encoding: a body of unknown length reaches an
// HTTP/1.0 client as it is, ended by closing the connection (RFC 9112
// 6.3, nginx's behaviour). fasthttp frames every streamed body of unknown
// length as chunked, whatever the client speaks, so for such a response
// gw takes the connection over (a hijack without fasthttp's response) and
// writes the header and the body itself.

// needsCloseFraming reports whether the response in ctx is a body of
// unknown length for an HTTP/1.0 client.
func needsCloseFraming(ctx *fasthttp.RequestCtx) bool {
	return !ctx.Request.Header.IsHTTP11() && ctx.Response.IsBodyStream() &&
		ctx.Response.Header.ContentLength() < 0 && !ctx.IsHead()
}

// sendUntilClose arranges for the response's header and body to be written
// raw once the handler returns, and the connection closed after them. Each
// write waits at most sendTimeout for the client (send_timeout).
func sendUntilClose(ctx *fasthttp.RequestCtx, sendTimeout time.Duration) {
	resp := &ctx.Response
	// No framing header: the close ends the body. Setting -2 keeps the
	// Transfer-Encoding that SetBodyStream(-1) added, so it goes too.
	resp.Header.SetContentLength(-2)
	resp.Header.Del(fasthttp.HeaderTransferEncoding)
	resp.SetConnectionClose()
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(c net.Conn) {
		// A failed write needs no handling here: the upstream side sees
		// its body unread and closes the connection (CloseBodyStream).
		w := deadlineWriter{c: c, timeout: sendTimeout}
		if _, err := w.Write(resp.Header.Header()); err == nil {
			bp := transport.CopyBuffer()
			_, _ = io.CopyBuffer(w, onlyReader{resp.BodyStream()}, *bp)
			transport.PutCopyBuffer(bp)
		}
		_ = resp.CloseBodyStream()
	})
}

// onlyReader hides the body stream's WriterTo, so io.CopyBuffer reads it
// with gw's buffer and writes through deadlineWriter.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// deadlineWriter is an io.Writer whose every write waits at most timeout.
type deadlineWriter struct {
	c       net.Conn
	timeout time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) { return transport.WriteWithin(w.c, p, w.timeout) }
