package transport

import (
	"bytes"
	"encoding/binary"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/resphead"
)

// headScanner is the quick pass over a response header block as it
// arrives (see head.go). A scan that finds the block incomplete
// keeps its place, so that the next scan of the same, grown, buffer starts
// at the first line not yet checked.
type headScanner struct {
	next   int  // start of the next line to check; 0: the status line
	bare   bool // a line ends in LF alone
	cl, te span // the Content-Length and Transfer-Encoding lines seen
	// The first Content-Type and Content-Encoding lines, and whether
	// either came again: nginx keeps the first, fasthttp's parser the
	// last, so readHead sets the first back.
	ct, ce       span
	ctDup, ceDup bool
}

// span is a header line of the block: name b[start:colon], value up to
// end (the line end excluded). The zero span is no line: the status line
// starts at 0.
type span struct{ start, colon, end int }

// scan checks b, the buffered bytes from the block's first byte on. It
// returns the block's length, its empty line included, or 0 when the
// block is not complete yet.
func (s *headScanner) scan(b []byte) (int, error) {
	p := s.next
	if p == 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return 0, nil
		}
		end := nl
		if nl > 0 && b[nl-1] == '\r' {
			end--
		} else {
			s.bare = true
		}
		// fasthttp would skip an empty line before the status line, and
		// keep a CR inside its reason phrase.
		if end == 0 || bytes.IndexByte(b[:end], '\r') >= 0 {
			return 0, errStatusLine
		}
		p = nl + 1
	}
	for p < len(b) {
		if b[p] <= ' ' {
			// The empty line that ends the block, an obs-fold line
			// (starting with SP or HT), or a control byte.
			if b[p] == '\n' {
				s.bare = true
				return p + 1, nil
			}
			if b[p] == '\r' && p+1 == len(b) {
				break
			}
			if b[p] == '\r' && b[p+1] == '\n' {
				return p + 2, nil
			}
			return 0, invalidHeader(b[p:], 0)
		}
		nl := bytes.IndexByte(b[p:], '\n')
		if nl < 0 {
			break
		}
		nl += p
		end := nl
		if b[nl-1] == '\r' {
			end--
		} else {
			s.bare = true
		}
		if end-p >= len("content-type:") {
			if w := binary.LittleEndian.Uint64(b[p:]) | lowerWord; w == wContentLength[0] || w == wTransferEncode[0] {
				if err := s.framingLine(b, p, end); err != nil {
					return 0, err
				}
				if w == wContentLength[0] && b[p+7] == '-' {
					s.singleLine(b, p, end)
				}
			}
		}
		p = nl + 1
	}
	s.next = p
	return 0, nil
}

// framingLine checks the line b[p:end] if it is a Content-Length or
// Transfer-Encoding field. fasthttp drops the whitespace between a name
// and its colon, as RFC 9112 5.1 tells a proxy to; for these two names the
// field is refused instead, as nginx refuses it: a parser that kept the
// whitespace would not see the field, and would frame the message
// otherwise.
func (s *headScanner) framingLine(b []byte, p, end int) error {
	line := b[p:end]
	cl := len(line) > 14 && isContentLength(line[:14])
	n := 14
	if !cl {
		if len(line) <= 17 || !isTransferEncoding(line[:17]) {
			return nil
		}
		n = 17
	}
	switch line[n] {
	case ':':
		return s.framing(b, span{p, p + n, end}, cl)
	case ' ', '\t':
		return invalidHeader(line, n)
	}
	return nil // a longer name
}

// singleLine notes the line b[p:end], which starts with "content-", if it
// is a Content-Type or Content-Encoding field.
func (s *headScanner) singleLine(b []byte, p, end int) {
	line := b[p:end]
	first, dup := &s.ct, &s.ctDup
	switch {
	case len(line) > 12 && line[12] == ':' && vars.LowerEqual(line[8:12], "type"):
		line = line[:12]
	case len(line) > 16 && line[16] == ':' && vars.LowerEqual(line[8:16], "encoding"):
		first, dup, line = &s.ce, &s.ceDup, line[:16]
	default:
		return
	}
	if first.end > 0 {
		*dup = true
		return
	}
	*first = span{p, p + len(line), end}
}

// keepFirst sets back the first Content-Type and Content-Encoding of the
// block b that h was parsed from, where the upstream repeated them.
func (s *headScanner) keepFirst(b []byte, h *fasthttp.ResponseHeader) {
	if s.ctDup {
		h.SetContentTypeBytes(s.ct.value(b))
	}
	if s.ceDup {
		h.SetContentEncodingBytes(s.ce.value(b))
	}
}

// strictCheck walks a complete block as nginx's parser reads it, for what
// the quick pass leaves to fasthttp, in nginx's words for the error log:
// every byte of a name a token, no CR but before an LF. readHead runs it
// when fasthttp refused a block, and when fasthttp accepted one but will
// close the connection, which is what it does when a name holds a space.
func strictCheck(block []byte) error {
	var s headScanner
	p := bytes.IndexByte(block, '\n') + 1
	if i := bytes.IndexByte(block[:p], '\r'); p <= 2 || i >= 0 && i != p-2 {
		return errStatusLine
	}
	for p < len(block) {
		nl := p + bytes.IndexByte(block[p:], '\n')
		end := nl
		if end > p && block[end-1] == '\r' {
			end--
		}
		if end == p {
			return nil // the empty line
		}
		line := block[p:end]
		if i := bytes.IndexByte(line, '\r'); i >= 0 {
			return invalidHeader(block[p:], i)
		}
		n := resphead.TokenLen(line)
		j := n
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if n == 0 || j == len(line) || line[j] != ':' {
			return invalidHeader(block[p:], n)
		}
		if err := s.framingLine(block, p, end); err != nil {
			return err
		}
		p = nl + 1
	}
	return nil
}

// framing checks a Content-Length (cl) or Transfer-Encoding line against
// the ones before it, in the order of nginx's
// ngx_http_upstream_process_content_length and _transfer_encoding.
func (s *headScanner) framing(b []byte, l span, cl bool) error {
	if cl {
		if s.cl.end > 0 {
			return duplicateHeader(b, s.cl, l)
		}
		if s.te.end > 0 {
			return errCLAndTE
		}
		s.cl = l
		return nil
	}
	if s.te.end > 0 {
		return duplicateHeader(b, s.te, l)
	}
	if s.cl.end > 0 {
		return errCLAndTE
	}
	if v := l.value(b); !vars.LowerEqual(v, "chunked") {
		return &HeadError{`upstream sent unknown "Transfer-Encoding": "` + string(v) + `"`}
	}
	s.te = l
	return nil
}

// value is the line's value without surrounding whitespace.
func (l span) value(b []byte) []byte {
	return bytes.Trim(b[l.colon+1:l.end], " \t")
}

// The framing names as little-endian words of lower-case letters, for a
// comparison eight bytes at a time. OR-ing 0x20 into each byte lowers the
// letters and makes no other byte a lower-case letter; it makes '-' of
// both '-' and CR, so the dash is compared apart.
var (
	wContentLength  = [2]uint64{word("content-"), word("t-length")} // bytes 0-7, 6-13
	wTransferEncode = [2]uint64{word("transfer"), word("-encodin")} // bytes 0-7, 8-15, then 'g'
	lowerWord       = uint64(0x2020202020202020)
	word            = func(s string) uint64 { return binary.LittleEndian.Uint64([]byte(s)) }
)

// isContentLength reports whether 14 bytes are Content-Length.
func isContentLength(name []byte) bool {
	return len(name) == 14 &&
		binary.LittleEndian.Uint64(name)|lowerWord == wContentLength[0] &&
		binary.LittleEndian.Uint64(name[6:])|lowerWord == wContentLength[1] &&
		name[7] == '-'
}

// isTransferEncoding reports whether 17 bytes are Transfer-Encoding.
func isTransferEncoding(name []byte) bool {
	return len(name) == 17 &&
		binary.LittleEndian.Uint64(name)|lowerWord == wTransferEncode[0] &&
		binary.LittleEndian.Uint64(name[8:])|lowerWord == wTransferEncode[1] &&
		name[8] == '-' && name[16]|0x20 == 'g'
}

// errStatusLine is nginx's error for a status line it cannot read.
var errStatusLine = &HeadError{"upstream sent no valid HTTP/1.0 header"}

// duplicateHeader is nginx's error for a second framing line.
func duplicateHeader(b []byte, prev, l span) error {
	name := string(b[l.start:l.colon])
	return &HeadError{`upstream sent duplicate header line: "` + name + ": " + string(l.value(b)) +
		`", previous value: "` + string(b[prev.start:prev.colon]) + ": " + string(prev.value(b)) + `"`}
}

// invalidHeader is nginx's error for a header line with a bad byte at
// line[bad]: the line up to it, then the byte in hex.
func invalidHeader(line []byte, bad int) error {
	const hex = "0123456789abcdef"
	const most = 256 // of the line, in the log
	c := line[bad]
	return &HeadError{`upstream sent invalid header: "` + string(line[:min(bad, most)]) +
		`\x` + string([]byte{hex[c>>4], hex[c&15]}) + `..."`}
}
