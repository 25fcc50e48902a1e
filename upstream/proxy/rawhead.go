package proxy

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/persist"
)

// The request head of a request without a body is written by gw itself,
// in one buffer, instead of line by line into a fasthttp.RequestHeader
// that fasthttp then serialises: each AddBytesKV copies the name, checks
// every byte of it, copies the value and looks for special headers, a few
// hundred instructions a line. The head is byte for byte what write and
// fasthttp would send (the header tests compare both ways of sending).
// Requests with a body, and WebSocket handshakes, keep the fasthttp
// header: fasthttp frames their bodies, and offerUpgrade edits the lines.

// appendHead appends the request head for the client's request in, in the
// order write adds its lines: the request line, the proxy_set_header
// lines, nginx's defaults, the Content-Length, the client's lines that
// pass, and the empty line. closeConn reports that the upstream
// connection must not be reused afterwards (write's SetConnectionClose).
func (h *requestHeaders) appendHead(dst, method, uri []byte, in *fasthttp.RequestHeader, r *vars.Request,
	tok *connTokens, cl *clientLines, buf []byte, bodyLen int, ck persist.CookieOut) (head, scratch []byte, closeConn bool) {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, uri...)
	dst = append(dst, ' ')
	dst = append(dst, h.protocol...)
	dst = append(dst, "\r\n"...)
	buf, closeConn = h.ownLines(r, buf, bodyLen, func(name, value []byte) { dst = appendHeadLine(dst, name, value) })
	if !h.noClient {
		// The client's lines come from a header fasthttp parsed, which
		// ends a line at every CR or LF: no look at each byte here.
		h.copyClient(in, tok, ck, cl, func(name, value []byte) {
			dst = append(dst, name...)
			dst = append(dst, ": "...)
			dst = append(dst, value...)
			dst = append(dst, "\r\n"...)
		})
	}
	if bodyLen < 0 && !bytes.Equal(method, strGET) && !bytes.Equal(method, strHEAD) {
		// fasthttp announces an empty body for a method that may carry
		// one (Request.Write's framing), after the other lines.
		dst = append(dst, "Content-Length: 0\r\n"...)
	}
	return append(dst, "\r\n"...), buf, closeConn
}

var (
	strGET  = []byte(fasthttp.MethodGet)
	strHEAD = []byte(fasthttp.MethodHead)
)

// appendHeadLine appends "name: value\r\n" as fasthttp writes a line it was
// given: a CR or LF in either becomes a space, so that no value (one made
// of variables, say) can end the line early.
func appendHeadLine(dst, name, value []byte) []byte {
	dst = appendNoNewLines(dst, name)
	dst = append(dst, ": "...)
	dst = appendNoNewLines(dst, value)
	return append(dst, "\r\n"...)
}

// appendNoNewLines appends b with CR and LF replaced by spaces.
func appendNoNewLines(dst, b []byte) []byte {
	start := len(dst)
	dst = append(dst, b...)
	for i := start; i < len(dst); i++ {
		if c := dst[i]; c == '\r' || c == '\n' {
			dst[i] = ' '
		}
	}
	return dst
}
