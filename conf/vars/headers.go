package vars

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// Request headers are read from the header block as the client sent it
// (RawHeaders) rather than from fasthttp's parsed header, for three reasons:
// names match case-insensitively whatever the server's header-name
// normalisation setting, repeated lines keep their order, and reading never
// has side effects (fasthttp's own iteration of a request header parses and
// re-serialises its cookies). Requests built in code have no raw block; for
// them the parsed header is asked through PeekAll with the canonical name.

// cookieKey is the $http_ form of the Cookie header name.
var cookieKey = []byte("cookie")

// getHTTPHeader is $http_NAME: every request header line named NAME, joined
// with ", " as nginx (1.23+) joins them; "" when there is none.
func getHTTPHeader(dst []byte, r *Request, p *part) []byte {
	return appendRequestHeader(dst, r, p.key, p.canon, ", ")
}

// getHTTPCookie is $http_cookie: the Cookie lines joined with "; ", so that
// several lines read as one cookie string.
func getHTTPCookie(dst []byte, r *Request, p *part) []byte {
	return appendRequestHeader(dst, r, p.key, p.canon, "; ")
}

// getProxyAddXFF is the client's X-Forwarded-For lines with the client
// address appended, or the client address alone.
func getProxyAddXFF(dst []byte, r *Request, _ *part) []byte {
	start := len(dst)
	dst = appendRequestHeader(dst, r, xffKey, "X-Forwarded-For", ", ")
	if len(dst) > start {
		dst = append(dst, ", "...)
	}
	return appendAddrIP(dst, r.Ctx.RemoteAddr())
}

var xffKey = []byte("x_forwarded_for")

func appendRequestHeader(dst []byte, r *Request, key []byte, canon, sep string) []byte {
	it := requestHeaderValues(&r.Ctx.Request.Header, key, canon)
	for n := 0; ; n++ {
		v, ok := it.next()
		if !ok {
			return dst
		}
		if n > 0 {
			dst = append(dst, sep...)
		}
		dst = append(dst, v...)
	}
}

// getCookie is $cookie_NAME: the value of the first cookie called NAME
// (compared case-insensitively, as nginx does) in the Cookie lines.
func getCookie(dst []byte, r *Request, p *part) []byte {
	it := requestHeaderValues(&r.Ctx.Request.Header, cookieKey, "Cookie")
	for {
		line, ok := it.next()
		if !ok {
			return dst
		}
		if v, found := cookieValue(line, p.key); found {
			return append(dst, v...)
		}
	}
}

// cookieValue finds the cookie called name in one Cookie header value,
// with nginx's rules: pairs are separated by ";" or ",", spaces around the
// name and after "=" are skipped, and the value runs to the next ";". The
// name must be followed by "=", so "mytest" and "test_x" are not "test".
func cookieValue(line, name []byte) ([]byte, bool) {
	for len(line) > 0 {
		if len(line) >= len(name) && equalFoldASCII(line[:len(name)], name) {
			rest := trimLeftSpace(line[len(name):])
			if len(rest) > 0 && rest[0] == '=' {
				v := trimLeftSpace(rest[1:])
				if i := bytes.IndexByte(v, ';'); i >= 0 {
					v = v[:i]
				}
				return v, true
			}
		}
		i := bytes.IndexAny(line, ";,")
		if i < 0 {
			break
		}
		line = trimLeftSpace(line[i+1:])
	}
	return nil, false
}

// getArg is $arg_NAME with nginx's rules: the raw (not percent-decoded)
// value of the first "&"-separated argument whose name equals NAME
// case-insensitively and is followed by "=".
func getArg(dst []byte, r *Request, p *part) []byte {
	if len(p.key) == 0 {
		return dst
	}
	args := r.Ctx.URI().QueryString()
	for len(args) > 0 {
		var seg []byte
		seg, args, _ = CutByte(args, '&')
		k := len(p.key)
		if len(seg) > k && seg[k] == '=' && equalFoldASCII(seg[:k], p.key) {
			return append(dst, seg[k+1:]...)
		}
	}
	return dst
}

// headerValues iterates the values of one request header, from the raw
// header block when there is one, else from fasthttp's parsed header.
type headerValues struct {
	useRaw   bool
	raw      HeaderLines
	key      []byte
	fallback [][]byte
}

func requestHeaderValues(h *fasthttp.RequestHeader, key []byte, canon string) headerValues {
	if raw := h.RawHeaders(); len(raw) > 0 {
		return headerValues{useRaw: true, raw: NewHeaderLines(raw), key: key}
	}
	return headerValues{fallback: h.PeekAll(canon)}
}

func (it *headerValues) next() ([]byte, bool) {
	if !it.useRaw {
		if len(it.fallback) == 0 {
			return nil, false
		}
		v := it.fallback[0]
		it.fallback = it.fallback[1:]
		return v, true
	}
	for {
		name, rest, ok := it.raw.Next()
		if !ok {
			return nil, false
		}
		if headerNameIs(name, it.key) {
			return TrimOWS(rest), true
		}
	}
}

// HeaderLines walks the "Name: value" lines of a raw header block, as the
// client sent them (names, order and repeated lines intact).
type HeaderLines struct{ b []byte }

// NewHeaderLines walks raw, a header block such as
// fasthttp.RequestHeader.RawHeaders returns.
func NewHeaderLines(raw []byte) HeaderLines { return HeaderLines{b: raw} }

// Next returns the next header line's name and the untrimmed text after its
// colon (callers trim only the value they want, with TrimOWS, which keeps a
// scan past uninteresting lines cheap). It skips lines without a colon and
// obsolete line folding, and stops at the blank line that ends the block.
func (s *HeaderLines) Next() (name, rest []byte, ok bool) {
	for len(s.b) > 0 {
		line := s.b
		if i := bytes.IndexByte(s.b, '\n'); i >= 0 {
			line, s.b = s.b[:i], s.b[i+1:]
		} else {
			s.b = nil
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) == 0 {
			s.b = nil
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		return trimRightSpace(line[:colon]), line[colon+1:], true
	}
	return nil, nil, false
}

// headerNameIs compares a header name with a variable suffix the way nginx
// does: the header's letters lowercased and its "-" read as "_". A header
// name that itself contains "_" matches nothing, as with nginx's default
// underscores_in_headers off: otherwise a client could send "X_Real_IP" and
// have it read as $http_x_real_ip behind a proxy that only strips X-Real-IP.
func headerNameIs(name, key []byte) bool {
	if len(name) != len(key) {
		return false
	}
	for i, c := range name {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '-':
			c = '_'
		case c == '_':
			return false
		}
		if c != key[i] {
			return false
		}
	}
	return true
}

// equalFoldASCII compares ASCII case-insensitively; key is lowercase.
func equalFoldASCII(s, key []byte) bool {
	if len(s) != len(key) {
		return false
	}
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != key[i] {
			return false
		}
	}
	return true
}

// TrimOWS removes HTTP's optional whitespace (spaces and tabs) around b.
func TrimOWS(b []byte) []byte { return trimRightSpace(trimLeftSpace(b)) }

// CutByte is bytes.Cut for a one-byte separator: bytes.Cut searches with
// bytes.Index, whose generic search costs several times IndexByte's on
// the short header values and lines cut on every request.
func CutByte(b []byte, sep byte) (before, after []byte, found bool) {
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

// HasToken reports whether a comma-separated header value (Connection,
// Upgrade) lists token, which must be lower-case: items compare
// case-insensitively, without the whitespace around them.
func HasToken(value []byte, token string) bool {
	for len(value) > 0 {
		var item []byte
		item, value, _ = CutByte(value, ',')
		if LowerEqual(TrimOWS(item), token) {
			return true
		}
	}
	return false
}

// LowerEqual reports whether b, in any case, is the lower-case ASCII
// string s (header names and tokens).
func LowerEqual(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func trimRightSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// EachRequestHeader calls f for each header line of in as the client sent
// it: from the raw header block when there is one (names, order and
// repeated lines intact), else from fasthttp's parsed header.
func EachRequestHeader(in *fasthttp.RequestHeader, f func(name, value []byte)) {
	raw := in.RawHeaders()
	if len(raw) == 0 {
		for k, v := range in.All() {
			f(k, v)
		}
		return
	}
	for lines := NewHeaderLines(raw); ; {
		name, rest, ok := lines.Next()
		if !ok {
			return
		}
		f(name, TrimOWS(rest))
	}
}
