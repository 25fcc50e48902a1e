package vars

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
)

// getRequestLine is $request: method, URI as sent, and protocol.
func getRequestLine(dst []byte, r *Request, _ *part) []byte {
	h := &r.Ctx.Request.Header
	dst = append(dst, h.Method()...)
	dst = append(dst, ' ')
	dst = append(dst, h.RequestURI()...)
	dst = append(dst, ' ')
	return append(dst, h.Protocol()...)
}

func getRequestMethod(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.Ctx.Request.Header.Method()...)
}

func getServerProtocol(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.Ctx.Request.Header.Protocol()...)
}

// getRequestURI is $request_uri: the URI as received, arguments included.
// For an absolute-form request line ("GET http://h/p?a HTTP/1.1") it is the
// path and arguments only, as in nginx.
func getRequestURI(dst []byte, r *Request, _ *part) []byte {
	return append(dst, OriginForm(r.Ctx.Request.Header.RequestURI())...)
}

var schemeSep = []byte("://")

// OriginForm is a raw request target without the scheme and authority of
// the absolute form ("GET http://host/x HTTP/1.1" gives "/x"), as nginx's
// unparsed URI starts at the path: $request_uri here, and the proxy's
// request line. A target with no path gives "/", or "?args" when it has
// arguments (nginx's empty_path_in_uri; the proxy adds the "/" it sends).
func OriginForm(uri []byte) []byte {
	if len(uri) == 0 || uri[0] == '/' {
		return uri
	}
	i := bytes.Index(uri, schemeSep)
	if i <= 0 {
		return uri // "*" of OPTIONS, or something fasthttp let through
	}
	rest := uri[i+len(schemeSep):]
	if j := bytes.IndexAny(rest, "/?"); j >= 0 {
		return rest[j:]
	}
	return slash
}

var slash = []byte("/")

// getURI is $uri (and $document_uri): the decoded, normalised path that
// locations match, without arguments.
func getURI(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.Ctx.Path()...)
}

// getArgs is $args (and $query_string): the raw query string.
func getArgs(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.Ctx.URI().QueryString()...)
}

func getIsArgs(dst []byte, r *Request, _ *part) []byte {
	if len(r.Ctx.URI().QueryString()) > 0 {
		return append(dst, '?')
	}
	return dst
}

// getHost is $host, in nginx's order: the host of an absolute-form request
// line, else the Host header, else the server name; lowercased, without
// port and trailing dot.
func getHost(dst []byte, r *Request, _ *part) []byte {
	var host []byte
	if r.Ctx != nil {
		host = hostWithoutPort(r.Ctx.URI().Host())
	}
	host = bytes.TrimSuffix(host, dot)
	if len(host) == 0 {
		return append(dst, r.ServerName...)
	}
	for _, c := range host {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

var dot = []byte(".")

func hostWithoutPort(host []byte) []byte {
	if len(host) > 0 && host[0] == '[' {
		if i := bytes.IndexByte(host, ']'); i >= 0 {
			return host[:i+1]
		}
		return host
	}
	if i := bytes.IndexByte(host, ':'); i >= 0 {
		return host[:i]
	}
	return host
}

// getRequestLength is $request_length: request line, header block and body
// as received. A streamed body counts its declared Content-Length, since
// reading it here would consume it.
func getRequestLength(dst []byte, r *Request, _ *part) []byte {
	req := &r.Ctx.Request
	h := &req.Header
	n := len(h.Method()) + len(h.RequestURI()) + len(h.Protocol()) + 4 // 2 spaces, CRLF
	if raw := h.RawHeaders(); len(raw) > 0 {
		n += len(raw) // ends with the blank line
	} else {
		n = len(h.Header()) // built in code: its serialisation is the best guess
	}
	if !req.IsBodyStream() {
		n += len(req.Body())
	} else if cl := h.ContentLength(); cl > 0 {
		n += cl
	}
	return appendInt(dst, int64(n))
}

// getRequestID is $request_id: 16 random bytes in hex, drawn the first time
// the request asks and then stable for it. math/rand/v2's generator is
// ChaCha8 seeded by the runtime: unpredictable enough for an identifier and
// free of locks and allocation.
func getRequestID(dst []byte, r *Request, _ *part) []byte {
	if !r.hasRequestID {
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
		binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
		hex.Encode(r.requestID[:], b[:])
		r.hasRequestID = true
	}
	return append(dst, r.requestID[:]...)
}

// getCapture is $1..$9 from the offsets the regex matcher left in r.
func getCapture(dst []byte, r *Request, p *part) []byte {
	i := 2 * p.n
	if i+1 >= len(r.Captures) {
		return dst
	}
	start, end := r.Captures[i], r.Captures[i+1]
	if start < 0 || start > end || end > len(r.CaptureSubject) {
		return dst
	}
	return append(dst, r.CaptureSubject[start:end]...)
}

// getNamedCapture is a named capture ("(?<sub>...)") of the regex the
// matcher left in r, found by name among r.CaptureNames.
func getNamedCapture(dst []byte, r *Request, p *part) []byte {
	for i, n := range r.CaptureNames {
		if n != "" && strings.EqualFold(n, p.name) {
			if 2*i+1 >= len(r.Captures) {
				return dst
			}
			start, end := r.Captures[2*i], r.Captures[2*i+1]
			if start < 0 || start > end || end > len(r.CaptureSubject) {
				return dst
			}
			return append(dst, r.CaptureSubject[start:end]...)
		}
	}
	return dst
}
