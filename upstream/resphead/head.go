// Package resphead keeps an upstream response's header as gw reads it:
// the status and the header lines in the order the upstream sent them,
// their names and values spans of one buffer.
//
// fasthttp's ResponseHeader parses a block into a dozen fields and
// buffers, copying every name and value, normalising the special ones
// and reordering them; about an eighth of a proxied request's
// instructions went there, for lines the proxy then copies out again. gw
// scans the block once (transport's headScanner), and for the common
// form (HTTP/1.1, lines in CRLF, names of token bytes, values of visible
// bytes) Parse records the lines' places in a copy of the block. fasthttp's
// parser stays as the fallback for the rest (transport fills the Head from
// it then, FromFasthttp), so every form it accepted is accepted as before.
//
// The proxy reads the lines it passes to the client from the Head, the
// sticky persistence reads and edits Set-Cookie and Cache-Control there,
// and the variables $upstream_http_* and $upstream_cookie_* read it.
package resphead

import (
	"bytes"
	"iter"
)

// Head is an upstream response header. Its zero value is empty; Reset
// empties it for reuse, keeping its buffers.
type Head struct {
	buf    []byte // the block, then the values edits added
	lines  []line
	status int
	reason span
}

// span is buf[start:end].
type span struct{ start, end uint32 }

// line is one header line. A line an edit deleted has an empty name,
// which no line read has.
type line struct{ name, value span }

func (l *line) gone() bool { return l.name.start == l.name.end }

func (h *Head) bytes(s span) []byte { return h.buf[s.start:s.end:s.end] }

// Reset empties h.
func (h *Head) Reset() {
	h.buf = h.buf[:0]
	h.lines = h.lines[:0]
	h.status = 0
	h.reason = span{}
}

// Status returns the status code.
func (h *Head) Status() int { return h.status }

// Reason returns the status line's reason phrase.
func (h *Head) Reason() []byte { return h.bytes(h.reason) }

// All yields the header lines in order, name and value (without the
// whitespace around it). The slices are valid until h is reset.
func (h *Head) All() iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		for i := range h.lines {
			l := &h.lines[i]
			if !l.gone() && !yield(h.bytes(l.name), h.bytes(l.value)) {
				return
			}
		}
	}
}

// Peek returns the value of the first line named name (compared without
// regard to ASCII case), nil when there is none.
func (h *Head) Peek(name string) []byte {
	for i := range h.lines {
		l := &h.lines[i]
		if !l.gone() && equalFold(h.bytes(l.name), name) {
			return h.bytes(l.value)
		}
	}
	return nil
}

// ContentType returns the first Content-Type.
func (h *Head) ContentType() []byte { return h.Peek("content-type") }

// Cookies yields the Set-Cookie lines: the name of the cookie each sets,
// and the whole value.
func (h *Head) Cookies() iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		for name, v := range h.All() {
			if equalFold(name, "set-cookie") && !yield(cookieName(v), v) {
				return
			}
		}
	}
}

// cookieName returns the name of the cookie a Set-Cookie value sets:
// its cookie-pair up to the '=', without the spaces around it; empty when
// the pair has no '=' (as fasthttp's Cookies named it before).
func cookieName(v []byte) []byte {
	if i := bytes.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	n := bytes.IndexByte(v, '=')
	if n < 0 {
		return nil
	}
	return bytes.Trim(v[:n], " \t")
}

// Add adds a line at the end.
func (h *Head) Add(name string, value []byte) { h.AddBytes([]byte(name), value) }

// Del deletes every line named name (compared without regard to case).
func (h *Head) Del(name string) {
	for i := range h.lines {
		if l := &h.lines[i]; !l.gone() && equalFold(h.bytes(l.name), name) {
			l.name.end = l.name.start
		}
	}
}

// Replace gives the first line named name the value value, in its
// place; false when there is no such line.
func (h *Head) Replace(name string, value []byte) bool {
	for i := range h.lines {
		if l := &h.lines[i]; !l.gone() && equalFold(h.bytes(l.name), name) {
			l.value = h.appendBytes(value)
			return true
		}
	}
	return false
}

// appendBytes copies b to the end of buf. Slices handed out before stay
// valid: a buffer that grows leaves the old one to them.
func (h *Head) appendBytes(b []byte) span {
	start := len(h.buf)
	h.buf = append(h.buf, b...)
	return span{uint32(start), uint32(len(h.buf))}
}

// SetStatus sets the status line, for FromFasthttp.
func (h *Head) SetStatus(status int, reason []byte) {
	h.status = status
	h.reason = h.appendBytes(reason)
}

// AddBytes adds a line at the end, for FromFasthttp.
func (h *Head) AddBytes(name, value []byte) {
	n := h.appendBytes(name)
	h.lines = append(h.lines, line{name: n, value: h.appendBytes(value)})
}

// equalFold reports whether b and s are equal regardless of ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if c, d := b[i], s[i]; c != d && lower(c) != lower(d) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// CopyFrom makes h a copy of src.
func (h *Head) CopyFrom(src *Head) {
	h.buf = append(h.buf[:0], src.buf...)
	h.lines = append(h.lines[:0], src.lines...)
	h.status, h.reason = src.status, src.reason
}
