package sticky

import "bytes"

// pairScanner walks the segments of one or more Cookie header values as one
// list: segments are separated by ";" or "," (";" is RFC 6265's; "," is
// RFC 2965's and still sent by some clients), and the end of a header line
// ends a segment too, which is how several Cookie lines (HTTP/2 splits them,
// RFC 9113 §8.2.3) are joined. Empty segments are skipped. It never
// allocates: segments are subslices of the caller's lines.
//
// The scanner holds positions only and takes the lines at each call: if it
// stored the slices, escape analysis would make every caller's [][]byte
// escape to the heap.
type pairScanner struct {
	line int // index of the current line
	off  int // offset of the next unread byte in it
}

// scan returns the next non-empty segment of lines with surrounding
// whitespace trimmed, and false when the lines are exhausted.
func (s *pairScanner) scan(lines [][]byte) ([]byte, bool) {
	for s.line < len(lines) {
		l := lines[s.line]
		if s.off >= len(l) {
			s.line, s.off = s.line+1, 0
			continue
		}
		// Two vectorised IndexByte calls beat one byte loop testing both
		// separators: the comma search only covers the ";" segment.
		start := s.off
		seg := l[start:]
		i := bytes.IndexByte(seg, ';')
		if i < 0 {
			i = len(seg)
		}
		if j := bytes.IndexByte(seg[:i], ','); j >= 0 {
			i = j
		}
		seg, s.off = seg[:i], start+i+1
		if seg = trimOWS(seg); len(seg) > 0 {
			return seg, true
		}
	}
	return nil, false
}

// splitPair cuts a segment at its first "=" into a trimmed name and value.
// A segment without "=" is not a name=value pair (browsers treat it as a
// nameless cookie), so it never matches a cookie name.
func splitPair(seg []byte) (name, value []byte, ok bool) {
	for i, c := range seg {
		if c == '=' {
			return trimOWS(seg[:i]), trimOWS(seg[i+1:]), true
		}
	}
	return nil, nil, false
}

// trimOWS trims spaces and tabs, HTTP's optional whitespace.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// isQuoted reports whether v is a DQUOTE-wrapped cookie value, which RFC
// 6265 §4.1.1 allows; the quotes are syntax, not part of the value.
func isQuoted(v []byte) bool {
	return len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"'
}

// unquote strips one pair of surrounding double quotes.
func unquote(v []byte) []byte {
	if isQuoted(v) {
		return v[1 : len(v)-1]
	}
	return v
}
