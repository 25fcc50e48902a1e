package resphead

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Framing is what the transport needs of a header to read the body and
// to know whether the connection can be reused, as fasthttp's parser
// decides it.
type Framing struct {
	// ContentLength is the body's length: -1 chunked, -2 until the
	// connection closes.
	ContentLength int
	// Close: the upstream closes the connection after the response.
	Close bool
}

// Parse reads the header block at the start of b (the status line to the
// empty line; what follows, a body, is not looked at) into h, when it has
// the common form: an HTTP/1.1 status line with a three-digit status
// other than 1xx, 204 and 304; every line ended by CRLF; names of token
// bytes followed by the colon; values of visible bytes, spaces and tabs;
// at most one Content-Length, of digits; at most one Transfer-Encoding,
// chunked, and not with a Content-Length; no Trailer. It returns the
// block's length, or ok false for anything else, an incomplete block
// included, leaving the block to the transport's checks and fasthttp's
// parser (FromFasthttp), which decide those forms as before. What Parse
// takes, those checks would have let through unchanged.
//
// The block is copied: the reader's buffer it lies in is reused for the
// body.
func (h *Head) Parse(b []byte) (n int, f Framing, ok bool) {
	f.ContentLength = -2
	h.Reset()
	nl := bytes.IndexByte(b, '\n')
	if nl < len("HTTP/1.1 200\r") || b[nl-1] != '\r' ||
		binary.LittleEndian.Uint64(b) != http11 || b[8] != ' ' {
		return 0, f, false
	}
	st := b[9:12]
	if st[0] < '2' || st[0] > '9' || st[1] < '0' || st[1] > '9' || st[2] < '0' || st[2] > '9' {
		return 0, f, false
	}
	h.status = int(st[0]-'0')*100 + int(st[1]-'0')*10 + int(st[2]-'0')
	if h.status == 204 || h.status == 304 {
		return 0, f, false
	}
	switch {
	case nl-1 == 12:
	case b[12] == ' ' && visible(b[13:nl-1]):
		h.reason = span{13, uint32(nl - 1)}
	default:
		return 0, f, false
	}
	seenCL, chunked, upgrade := false, false, false
	p := nl + 1
	for {
		if p+1 >= len(b) {
			return 0, f, false // incomplete
		}
		if b[p] == '\r' {
			if b[p+1] != '\n' {
				return 0, f, false
			}
			n = p + 2
			break
		}
		colon := p
		for colon < len(b) && tokenByte[b[colon]] {
			colon++
		}
		if colon == p || colon == len(b) || b[colon] != ':' {
			return 0, f, false
		}
		// The value runs to the first control byte, which must be the
		// CR of the line's CRLF; tabs are let through.
		end := colon + 1
		for {
			for end+8 <= len(b) { // ctlIndex, inlined
				if m := ctlMask(binary.LittleEndian.Uint64(b[end:])); m != 0 {
					end += bits.TrailingZeros64(m) / 8
					break
				}
				end += 8
			}
			if end+8 > len(b) {
				end += ctlIndex(b[end:])
			}
			if end+1 >= len(b) {
				return 0, f, false // incomplete
			}
			if b[end] != '\t' {
				break
			}
			end++
		}
		if b[end] != '\r' || b[end+1] != '\n' {
			return 0, f, false
		}
		vs, ve := colon+1, end
		for vs < ve && (b[vs] == ' ' || b[vs] == '\t') {
			vs++
		}
		for ve > vs && (b[ve-1] == ' ' || b[ve-1] == '\t') {
			ve--
		}
		switch colon - p {
		case len("content-length"):
			if equalFold(b[p:colon], "content-length") {
				cl, good := parseLength(b[vs:ve])
				if !good || seenCL {
					return 0, f, false
				}
				seenCL, f.ContentLength = true, cl
			}
		case len("transfer-encoding"):
			if equalFold(b[p:colon], "transfer-encoding") {
				if chunked || !equalFold(b[vs:ve], "chunked") {
					return 0, f, false
				}
				chunked = true
			}
		case len("connection"):
			if equalFold(b[p:colon], "connection") {
				c, u := connectionTokens(b[vs:ve])
				f.Close, upgrade = f.Close || c, upgrade || u
			}
		case len("trailer"):
			if equalFold(b[p:colon], "trailer") {
				return 0, f, false
			}
		}
		h.lines = append(h.lines, line{span{uint32(p), uint32(colon)}, span{uint32(vs), uint32(ve)}})
		p = end + 2
	}
	if chunked {
		if seenCL {
			return 0, f, false // refused by the transport, in nginx's words
		}
		f.ContentLength = -1
	}
	if f.ContentLength == -2 {
		if upgrade && !f.Close {
			return 0, f, false // fasthttp keeps such a connection open
		}
		f.Close = true // the body ends with the connection
	}
	h.buf = append(h.buf, b[:n]...)
	return n, f, true
}

// http11 is "HTTP/1.1" as a little-endian word.
var http11 = binary.LittleEndian.Uint64([]byte("HTTP/1.1"))

// parseLength reads a Content-Length: digits only, at most 18 of them.
func parseLength(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// connectionTokens reports whether a Connection value lists close and
// upgrade, regardless of case.
func connectionTokens(v []byte) (closes, upgrade bool) {
	if equalFold(v, "keep-alive") {
		return false, false // what nearly every upstream sends
	}
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		item = bytes.Trim(item, " \t") // as fasthttp: not Unicode spaces
		closes = closes || equalFold(item, "close")
		upgrade = upgrade || equalFold(item, "upgrade")
	}
	return closes, upgrade
}

// ctlIndex returns the index of the first control byte of b (below 0x20,
// or DEL), len(b) if there is none. Eight bytes at a time: values are
// most of a block.
func ctlIndex(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if m := ctlMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < ' ' || c == 0x7f {
			return i
		}
	}
	return i
}

// ctlMask sets the high bit of the lowest byte of w that is a control
// byte (and maybe of bytes above it, never below): a byte below 0x20
// borrows in w - 0x20..., one equal to 0x7f is zero in w ^ 0x7f...; bytes
// of 0x80 and above are masked out by &^ w.
func ctlMask(w uint64) uint64 {
	low := (w - 0x2020202020202020) &^ w & 0x8080808080808080
	x := w ^ 0x7f7f7f7f7f7f7f7f
	del := (x - 0x0101010101010101) &^ x & 0x8080808080808080
	return low | del
}

// visible reports whether b holds only visible bytes (obs-text
// included), spaces and tabs: no control byte, no DEL. Eight bytes at a
// time, since values are most of a block.
func visible(b []byte) bool {
	if len(b) < 8 {
		return visibleBytes(b)
	}
	for i := 0; i+8 <= len(b); i += 8 {
		if !visibleWord(b[i:]) {
			return false
		}
	}
	return visibleWord(b[len(b)-8:]) // the last bytes, overlapping
}

// visibleWord checks the eight bytes at the start of b.
func visibleWord(b []byte) bool {
	return ctlMask(binary.LittleEndian.Uint64(b)) == 0 || visibleBytes(b[:8])
}

func visibleBytes(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// TokenLen returns the length of the token at the start of b: a field
// name's bytes.
func TokenLen(b []byte) int {
	for i, c := range b {
		if !tokenByte[c] {
			return i
		}
	}
	return len(b)
}

// tokenByte marks the bytes of a token (RFC 9110 5.6.2), what a field
// name is made of.
var tokenByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
