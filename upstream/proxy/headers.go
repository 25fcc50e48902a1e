package proxy

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/persist"
)

// setHeader is one proxy_set_header line, compiled.
type setHeader struct {
	name  []byte // as written: sent byte for byte
	value *vars.Template
}

// requestHeaders is how a location rewrites the client's header for the
// upstream, nginx's ngx_http_proxy_create_request: the proxy_set_header
// lines first, in order, then nginx's defaults the lines did not name
// (Host $proxy_host, Connection close), then every client header that is
// neither hop-by-hop nor named by a proxy_set_header line.
type requestHeaders struct {
	set []setHeader
	// named holds the lower-cased names of the proxy_set_header lines:
	// a client header of that name is never passed, even when the line's
	// value is empty (nginx's way of removing a header).
	named [][]byte

	setsHost bool // a line names Host: no default Host $proxy_host
	setsConn bool // a line names Connection: no default Connection close
	// keepalive [gw]: the upstream has `keepalive N`, so gw speaks
	// HTTP/1.1 and sends no default Connection close, whatever
	// proxy_http_version says. nginx needs both set by hand for keepalive
	// to work at all, and operators forget them; an operator who wrote
	// keepalive wants it to work. A Connection line the configuration
	// writes explicitly is still sent as written, as nginx does.
	keepalive bool
	protocol  string // protoHTTP10 or protoHTTP11
	// noClient is proxy_pass_request_headers off: none of the client's
	// lines are passed, only those gw makes.
	noClient bool
}

// newRequestHeaders compiles the header rules of st. keepalive reports
// whether the proxied upstream keeps connections (keepalive N).
func newRequestHeaders(st *conf.Settings, keepalive bool) requestHeaders {
	h := requestHeaders{keepalive: keepalive, protocol: protoHTTP10, noClient: st.ProxyRequest.NoClientHeaders}
	if st.ProxyHTTPVersion == conf.HTTPVersion11 || keepalive {
		h.protocol = protoHTTP11
	}
	for _, s := range st.ProxySetHeaders {
		lower := strings.ToLower(s.Name)
		h.named = append(h.named, []byte(lower))
		switch lower {
		case "host":
			h.setsHost = true
		case "connection":
			h.setsConn = true
		case "content-length", "transfer-encoding":
			// gw frames the body it forwards itself, as nginx does with
			// its internal $proxy_internal_body_length.
			continue
		}
		h.set = append(h.set, setHeader{name: []byte(s.Name), value: s.Value})
	}
	return h
}

// isNamed reports whether a proxy_set_header line names the header.
func (h *requestHeaders) isNamed(name []byte) bool {
	for _, n := range h.named {
		if len(n) == len(name) && bytes.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// write fills out's header lines for the client's request in. bodyLen is
// the Content-Length to announce, negative for none (a chunked body gets
// its Transfer-Encoding from fasthttp). buf is scratch space for template
// values; the grown buffer is returned. out must have special-header
// processing disabled: every line is sent as added, in order, with its
// name as written. ck says what becomes of the client's Cookie lines
// (session persistence may clean them).
func (h *requestHeaders) write(out, in *fasthttp.RequestHeader, r *vars.Request, tok *connTokens, cl *clientLines, buf []byte, bodyLen int, ck persist.CookieOut) []byte {
	add := func(name, value []byte) { out.AddBytesKV(name, value) }
	buf, closeConn := h.ownLines(r, buf, bodyLen, add)
	if closeConn {
		// The flag makes fasthttp close the connection after the
		// response; with special headers disabled it writes no line.
		out.SetConnectionClose()
	}
	if !h.noClient {
		h.copyClient(in, tok, ck, cl, add)
	}
	return buf
}

// ownLines gives add the lines gw itself puts in the upstream request, in
// nginx's order: the proxy_set_header lines, the defaults they do not
// name (Host $proxy_host, Connection close), and the Content-Length of a
// body of known length (bodyLen; negative for none). buf is scratch space
// for their values; the grown buffer is returned. closeConn reports that
// the upstream connection must not be reused after the response: without
// keepalive nginx closes every upstream connection, whatever the
// Connection line says, and with it a line asking for close does.
func (h *requestHeaders) ownLines(r *vars.Request, buf []byte, bodyLen int, add func(name, value []byte)) (scratch []byte, closeConn bool) {
	for i := range h.set {
		var name []byte
		var sent, closes bool
		if name, buf, sent, closes = h.setLine(i, r, buf); !sent {
			continue
		}
		closeConn = closeConn || closes
		add(name, buf)
	}
	if !h.setsHost {
		buf = append(buf[:0], r.ProxyHost...)
		add(strHost, buf)
	}
	if !h.setsConn && !h.keepalive {
		add(strConnection, strClose)
	}
	if bodyLen >= 0 {
		buf = strconv.AppendInt(buf[:0], int64(bodyLen), 10)
		add(strContentLength, buf)
	}
	return buf, closeConn || !h.keepalive
}

// setLine evaluates the i-th proxy_set_header line for r into buf: the
// name to send it under and its value, sent false when it is not sent
// (nginx: an empty value means "do not send"). closes reports a
// "Connection: close" to a keepalive upstream: the connection is then not
// pooled for another request.
func (h *requestHeaders) setLine(i int, r *vars.Request, buf []byte) (name, value []byte, sent, closes bool) {
	s := &h.set[i]
	buf = s.value.Append(buf[:0], r)
	isHost := equalFold(s.name, "host")
	if isHost && len(buf) == 0 {
		// An empty Host would make the request unsendable over HTTP/1.1;
		// gw keeps nginx's default instead.
		buf = append(buf, r.ProxyHost...)
	}
	if len(buf) == 0 {
		return nil, buf, false, false
	}
	name = s.name
	switch {
	case isHost:
		// fasthttp finds the Host line only under this spelling.
		name = strHost
	case h.keepalive && equalFold(name, "connection") && vars.HasToken(buf, "close"):
		closes = true
	}
	return name, buf, true, closes
}

var (
	strHost          = []byte("Host")
	strConnection    = []byte("Connection")
	strClose         = []byte("close")
	strContentLength = []byte("Content-Length")
	strSetCookie     = []byte("Set-Cookie")
)

// clientLines holds the client's header lines between copyClient's two
// looks at them: the first gathers the names Connection lists, the second
// copies what passes, and parsing the raw block once serves both. A
// request with more lines than it holds is parsed twice instead.
type clientLines struct {
	n     int
	lines [48]struct{ name, value []byte }
}

// copyClient gives add the client's header lines that may cross the
// proxy, in the order received, names and values byte for byte. Unless ck
// keeps them, the Cookie lines become ck.Value, in place of the first one:
// the edit is made while copying because deleting lines from a fasthttp
// header afterwards would reorder the others.
// add receives each line that goes.
func (h *requestHeaders) copyClient(in *fasthttp.RequestHeader, tok *connTokens, ck persist.CookieOut, cl *clientLines,
	add func(name, value []byte)) {
	tok.reset()
	cl.n = 0
	all := true
	vars.EachRequestHeader(in, func(name, value []byte) {
		if equalFold(name, "connection") {
			tok.add(value)
		}
		if cl.n < len(cl.lines) {
			cl.lines[cl.n].name, cl.lines[cl.n].value = name, value
			cl.n++
		} else {
			all = false
		}
	})
	cookieSent := false
	copyLine := func(name, value []byte) {
		if !h.passes(name, tok) {
			return
		}
		if !ck.Keep && equalFold(name, "cookie") {
			if cookieSent || len(ck.Value) == 0 {
				return
			}
			cookieSent, value = true, ck.Value
		}
		add(name, value)
	}
	if !all {
		vars.EachRequestHeader(in, copyLine)
		return
	}
	for i := range cl.n {
		copyLine(cl.lines[i].name, cl.lines[i].value)
		cl.lines[i].name, cl.lines[i].value = nil, nil // the request's memory is reused
	}
}

// passes reports whether a client header goes upstream: not hop-by-hop,
// not named by the client's Connection header, not replaced by gw (Host,
// the body framing, Expect, which nginx drops since it answers 100-continue
// itself) and not named by a proxy_set_header line.
func (h *requestHeaders) passes(name []byte, tok *connTokens) bool {
	switch {
	case isHopByHop(name), tok.has(name):
		return false
	case equalFold(name, "host"), equalFold(name, "content-length"), equalFold(name, "expect"):
		return false
	}
	return !h.isNamed(name)
}

// The request lines' protocols gw speaks to upstreams.
const (
	protoHTTP10 = "HTTP/1.0"
	protoHTTP11 = "HTTP/1.1"
)
