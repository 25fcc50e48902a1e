package edge

import "bytes"

// headerScan follows a request's header block as its bytes arrive, to find
// where the block ends and whether any line of it ends in a bare LF.
//
// nginx accepts LF alone as a line end (RFC 9112 2.2 allows a recipient
// to); fasthttp only ends a header block at CRLFCRLF and would wait for one
// until client_header_timeout. A client connection therefore rewrites the
// bare LFs of a header block into CRLFs (transport.AppendCRLF) before
// fasthttp reads it (see Conn.Read), and headerScan tells it where they
// are. Bytes after the block (a body) are never touched.
//
// The zero value is ready to scan the start of a block.
type headerScan struct {
	lineLen int  // bytes of the current line seen so far, a CR included
	cr      bool // the last byte seen was a CR
	seen    bool // a line with content has been seen (empty lines before the request line are skipped)
	// bad: a CR followed by something else than LF, with no LF after it
	// yet. fasthttp would wait for a line end that may never come; nginx
	// refuses the request at once.
	bad bool
}

// scan consumes b, the next bytes of the block. It returns end, the
// offset just past the LF of the block's empty last line when b holds it
// (-1 when the block goes on past b), and whether a bare LF occurs in
// b[:end] (all of b when end is -1).
func (s *headerScan) scan(b []byte) (end int, bare bool) {
	i := 0
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			tail := b[i:]
			if k := bytes.IndexByte(tail, '\r'); (k >= 0 && k < len(tail)-1) || s.cr {
				s.bad = true
			}
			s.lineLen += len(tail)
			s.cr = tail[len(tail)-1] == '\r'
			return -1, bare
		}
		lf := i + j
		crBefore := s.cr
		if j > 0 {
			crBefore = b[lf-1] == '\r'
		}
		if !crBefore {
			bare = true
		}
		content := s.lineLen + j
		if crBefore {
			content--
		}
		s.lineLen, s.cr = 0, false
		i = lf + 1
		if content > 0 {
			s.seen = true
			continue
		}
		if s.seen {
			*s = headerScan{}
			return i, bare
		}
	}
	return -1, bare
}
