package edge

import (
	"bytes"
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/transport"
)

// fasthttp parses requests leniently where a proxy must not: it takes a
// request with both Content-Length and Transfer-Encoding (a CL.TE
// smuggle), passes header names with spaces and folded lines on, and
// serves HTTP/2.0 request lines as HTTP/1.0. checkRequest runs on every
// request header as soon as fasthttp has parsed it, before any of the body
// is read (Server.HeaderReceived), and refuses what nginx refuses, and
// what nginx tolerates only because it never forwards the bytes as they
// are: gw's answer to an ambiguous request is always an error and a closed
// connection, never a guess.

// rejection is why a request was refused: the status and the error-log
// text, which never quotes the request (it may carry credentials).
type rejection struct {
	status int
	msg    string
}

// The reasons checkRequest refuses a request, nginx's words where it has
// some. Their index is carried in the sentinel request URI.
var rejections = [...]rejection{
	{0, ""},
	{fasthttp.StatusBadRequest, `client sent "Content-Length" and "Transfer-Encoding" headers at the same time`},
	{fasthttp.StatusNotImplemented, `client sent unknown "Transfer-Encoding"`},
	{fasthttp.StatusBadRequest, `client sent duplicate "Transfer-Encoding" header`},
	{fasthttp.StatusBadRequest, `client sent invalid "Content-Length" header`},
	{fasthttp.StatusBadRequest, "client sent invalid header line"},
	{fasthttp.StatusBadRequest, "client sent folded header line"},
	{fasthttp.StatusHTTPVersionNotSupported, "client sent unsupported HTTP version"},
	{fasthttp.StatusBadRequest, "client sent invalid request"},
	{fasthttp.StatusBadRequest, "client sent invalid request URI"},
	{fasthttp.StatusBadRequest, "client sent invalid method"},
	{fasthttp.StatusBadRequest, "client sent invalid host header"},
	{fasthttp.StatusBadRequest, "client sent duplicate header line"},
}

// Indexes into rejections.
const (
	rejectNone = iota
	rejectBothFramings
	rejectUnknownTE
	rejectDuplicateTE
	rejectBadContentLength
	rejectHeaderLine
	rejectFoldedLine
	rejectVersion
	rejectRequest
	rejectURI
	rejectMethod
	rejectHost
	rejectDuplicateLine
)

// rejectedURIPrefix starts the request URI that HeaderReceived sets on a
// refused request. fasthttp's URI parser refuses a control byte, so the
// request goes to the ErrorHandler before its body is read and with its
// connection marked for closing; the byte after the prefix is the
// rejection's index.
const rejectedURIPrefix = "\x00gw-rejected:"

// HeaderReceived is fasthttp's HeaderReceived hook: it checks the header
// and, when it must be refused, marks it with the sentinel URI.
func HeaderReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if r := checkRequest(h); r != rejectNone {
		h.SetRequestURI(rejectedURIPrefix + string(rune('0'+r)))
	}
	return fasthttp.RequestConfig{}
}

// servedAsHTTP11 makes a request of a later HTTP/1 minor version (HTTP/1.2)
// an HTTP/1.1 one, as nginx serves it: RFC 9110 2.5 has a server answer
// with the highest minor version it speaks. fasthttp took it for HTTP/1.0
// and marked it to close unless it asked for keep-alive.
func servedAsHTTP11(h *fasthttp.RequestHeader) {
	h.SetProtocol("HTTP/1.1")
	// The client's own Connection lines decide (Peek would answer the
	// close fasthttp derived).
	lines := vars.NewHeaderLines(h.RawHeaders())
	for name, rest, ok := lines.Next(); ok; name, rest, ok = lines.Next() {
		if bytes.EqualFold(name, []byte("Connection")) && vars.HasToken(rest, "close") {
			return
		}
	}
	h.ResetConnectionClose()
}

// rejectionOf returns the rejection marked on a request by HeaderReceived.
func rejectionOf(h *fasthttp.RequestHeader) (rejection, bool) {
	uri := h.RequestURI()
	if len(uri) != len(rejectedURIPrefix)+1 || !bytes.HasPrefix(uri, []byte(rejectedURIPrefix)) {
		return rejection{}, false
	}
	i := int(uri[len(uri)-1] - '0')
	if i <= rejectNone || i >= len(rejections) {
		return rejection{}, false
	}
	return rejections[i], true
}

// checkRequest returns why h must be refused, or rejectNone. It may make
// a later HTTP/1 minor version HTTP/1.1.
func checkRequest(h *fasthttp.RequestHeader) int {
	switch r := checkVersion(h.Protocol()); r {
	case rejectNone:
	case versionLaterMinor:
		servedAsHTTP11(h)
	default:
		return r
	}
	if !isMethod(h.Method()) {
		return rejectMethod
	}
	if r := checkHeaderLines(h.RawHeaders()); r != rejectNone {
		return r
	}
	if host, ok := absoluteHost(h.RequestURI()); ok && !validHost(host) {
		return rejectHost
	}
	return checkTarget(h.RequestURI())
}

// versionLaterMinor is checkVersion's answer for HTTP/1.2 and later minor
// versions: served as HTTP/1.1.
const versionLaterMinor = -1

// checkVersion accepts HTTP/1.0 and HTTP/1.1 (and later HTTP/1 minor
// versions, as HTTP/1.1); a later major version on an HTTP/1 connection
// (an HTTP/2 preface, HTTP/2.0, HTTP/3.0) is 505, as in nginx, anything
// else 400.
func checkVersion(proto []byte) int {
	switch string(proto) {
	case "HTTP/1.1", "HTTP/1.0":
		return rejectNone
	}
	if len(proto) != len("HTTP/2.0") || !bytes.HasPrefix(proto, []byte("HTTP/")) ||
		!isDigit(proto[5]) || proto[6] != '.' || !isDigit(proto[7]) {
		return rejectRequest
	}
	switch {
	case proto[5] >= '2':
		return rejectVersion
	case proto[5] == '1':
		return versionLaterMinor
	}
	return rejectRequest
}

// isMethod applies nginx's rule for a method: capital letters, '_' and
// '-' ("get" is refused; "FOO" is proxied).
func isMethod(m []byte) bool {
	for _, c := range m {
		if (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			return false
		}
	}
	return len(m) > 0
}

// checkHeaderLines checks each line of a raw header block (CRLF-ended, as
// Conn makes them): a name directly followed by a colon, no
// folding; one framing, Content-Length of digits or Transfer-Encoding:
// chunked; at most one Authorization, which nginx reads as a unique line
// (a backend must not believe other credentials than those auth_basic
// checked, or $remote_user logged). The rest of RFC 9110's rules for names (tokens) and values (no
// control byte but tab) fasthttp's parser enforces already, with one
// exception this check adds: a space inside a name (TestFasthttpChecks
// keeps that division of labour honest).
func checkHeaderLines(raw []byte) int {
	var cl, te, auth int
	for len(raw) > 0 {
		var line []byte
		line, raw, _ = vars.CutByte(raw, '\n')
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return rejectFoldedLine
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || bytes.IndexByte(line[:colon], ' ') >= 0 {
			return rejectHeaderLine
		}
		switch name := line[:colon]; len(name) {
		case len("Content-Length"):
			if !vars.LowerEqual(name, "content-length") {
				continue
			}
			cl++
			if v := vars.TrimOWS(line[colon+1:]); len(v) == 0 || !allDigits(v) || cl > 1 {
				return rejectBadContentLength
			}
		case len("Host"):
			if vars.LowerEqual(name, "host") && !validHost(vars.TrimOWS(line[colon+1:])) {
				return rejectHost
			}
		case len("Authorization"):
			if !vars.LowerEqual(name, "authorization") {
				continue
			}
			if auth++; auth > 1 {
				return rejectDuplicateLine
			}
		case len("Transfer-Encoding"):
			if !vars.LowerEqual(name, "transfer-encoding") {
				continue
			}
			if te++; te > 1 {
				return rejectDuplicateTE
			}
			if !vars.LowerEqual(vars.TrimOWS(line[colon+1:]), "chunked") {
				return rejectUnknownTE
			}
		}
	}
	if cl > 0 && te > 0 {
		return rejectBothFramings
	}
	return rejectNone
}

// validHost is nginx's ngx_http_validate_host: a host (of the Host header
// or of an absolute-form target) is refused when it is empty once its port
// and one trailing dot are set aside (so "", "." and ":80"), when two dots
// follow each other ("..x"), and when it holds a '/', a control byte, a
// space or DEL.
func validHost(host []byte) bool {
	const (
		usual = iota
		literal
		rest
	)
	state, n, dot := usual, len(host), -2
	for i, c := range host {
		if hostByte[c] == hostPlain {
			continue // most bytes: one table load
		}
		switch c {
		case '.':
			if dot == i-1 {
				return false
			}
			dot = i
		case ':':
			if state == usual {
				n, state = i, rest
			}
		case '[':
			if i == 0 {
				state = literal
			}
		case ']':
			if state == literal {
				n, state = i+1, rest
			}
		default:
			if c == '/' || c <= ' ' || c == 0x7f {
				return false
			}
		}
	}
	if dot == n-1 {
		n--
	}
	return n > 0
}

// hostByte classes the bytes of a Host value for validHost: hostPlain for
// the bytes it passes over, hostSpecial for the separators it looks at and
// those it refuses.
var hostByte = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c == '.' || c == ':' || c == '[' || c == ']' || c == '/' || c <= ' ' || c == 0x7f {
			t[c] = hostSpecial
		}
	}
	return t
}()

const (
	hostPlain = iota
	hostSpecial
)

// absoluteHost is the host part of an absolute-form target ("http://h:1/x"
// gives "h:1"; "http:///x" an empty one); ok is false for other forms.
func absoluteHost(uri []byte) (host []byte, ok bool) {
	if len(uri) == 0 || uri[0] == '/' {
		return nil, false
	}
	i := bytes.Index(uri, []byte("://"))
	if i < 0 {
		return nil, false
	}
	host = uri[i+3:]
	if j := bytes.IndexAny(host, "/?#"); j >= 0 {
		host = host[:j]
	}
	return host, true
}

// hasDotSegment reports whether a path has a segment starting with a dot
// ("/." anywhere): IndexByte finds no dot at all in most paths, where
// bytes.Contains would run its generic search.
func hasDotSegment(path []byte) bool {
	for i := bytes.IndexByte(path, '.'); i >= 0; {
		if i > 0 && path[i-1] == '/' {
			return true
		}
		j := bytes.IndexByte(path[i+1:], '.')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// checkTarget refuses what nginx's URI parser refuses in the path of an
// origin-form target: a '%' not followed by two hex digits, an encoded NUL,
// and dot segments climbing above the root ("/../x", "/%2e%2e/x"). The
// query string is not checked: nginx passes it on as it is.
//
// A target that is neither a path nor absolute-form ("*" of OPTIONS,
// CONNECT's authority-form) is refused, as nginx refuses it: gw proxies
// paths. fasthttp has already taken an absolute-form target apart (its
// host became the Host header) and checks its path when it parses it.
func checkTarget(uri []byte) int {
	if len(uri) == 0 {
		return rejectRequest
	}
	if uri[0] != '/' {
		if bytes.Contains(uri, []byte("://")) {
			return rejectNone
		}
		return rejectRequest
	}
	if q := bytes.IndexByte(uri, '?'); q >= 0 {
		uri = uri[:q]
	}
	if bytes.IndexByte(uri, '%') < 0 && !hasDotSegment(uri) {
		return rejectNone // no escape and no dot segment: nothing to check
	}
	depth := 0
	seg := 0  // bytes in the current segment
	dots := 0 // of which dots, decoded
	for i := 0; i < len(uri); i++ {
		c := uri[i]
		if c == '%' {
			if i+2 >= len(uri) || !vars.IsHex(uri[i+1]) || !vars.IsHex(uri[i+2]) {
				return rejectURI
			}
			c = vars.Unhex(uri[i+1])<<4 | vars.Unhex(uri[i+2])
			if c == 0 {
				return rejectURI
			}
			i += 2
		}
		if c != '/' {
			seg++
			if c == '.' {
				dots++
			}
			continue
		}
		if depth = segmentDepth(depth, seg, dots); depth < 0 {
			return rejectURI
		}
		seg, dots = 0, 0
	}
	if segmentDepth(depth, seg, dots) < 0 {
		return rejectURI
	}
	return rejectNone
}

// segmentDepth is the path depth after a segment of seg bytes of which
// dots are dots: "." stays, ".." climbs, an empty segment (the root, or
// "//") stays, anything else descends. -1: above the root.
func segmentDepth(depth, seg, dots int) int {
	switch {
	case seg == 0 || (seg == 1 && dots == 1):
		return depth
	case seg == 2 && dots == 2:
		return depth - 1
	}
	return depth + 1
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Classify maps a request's failure, fasthttp's parse error or a
// rejection of HeaderReceived, to its status and a log text of gw's own
// (never the request's bytes).
func Classify(h *fasthttp.RequestHeader, err error) (int, string) {
	if r, ok := rejectionOf(h); ok {
		return r.status, r.msg
	}
	var small *fasthttp.ErrSmallBuffer
	switch {
	case errors.As(err, &small):
		return fasthttp.StatusRequestHeaderFieldsTooLarge, "client sent too large request header"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return fasthttp.StatusRequestEntityTooLarge, "client intended to send too large body"
	case errors.Is(err, fasthttp.ErrUnsupportedTransferEncoding):
		// fasthttp's (secure) error for an unknown coding, a repeated
		// Transfer-Encoding and one in an HTTP/1.0 request alike; the
		// header is reset by then, so 501 for all three.
		return fasthttp.StatusNotImplemented, `client sent unknown "Transfer-Encoding"`
	case errors.Is(err, errBareCR):
		return fasthttp.StatusBadRequest, "client sent invalid request"
	case transport.IsTimeout(err):
		return fasthttp.StatusRequestTimeout, "client timed out (110: Connection timed out) while reading client request headers"
	}
	return fasthttp.StatusBadRequest, "client sent invalid request"
}
