package transport

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/resphead"
)

// gw reads an upstream's response header block itself before fasthttp
// parses it, for what fasthttp's parser does differently from nginx:
//
//   - nginx ends a header line, and the block, at LF alone. fasthttp ends
//     the block only at CRLFCRLF and waits for bytes that never come (504).
//     A block with bare LFs is copied with CRLFs and the copy parsed.
//   - Framing that two parsers could read two ways is refused with 502, as
//     nginx >= 1.23 refuses it: Content-Length with Transfer-Encoding (where
//     fasthttp lets chunked win), two Content-Lengths, a Transfer-Encoding
//     other than chunked, and whitespace between either name and its colon.
//   - obs-fold continuation lines are refused (fasthttp joins them), and so
//     is a field name with a space, a control byte or nothing in it.
//     fasthttp refuses every byte of a name that is not a token's but the
//     space; a name with a space inside it fasthttp keeps, and closes the
//     connection after the response, which is when gw looks again, byte by
//     byte (strictCheck). Whitespace between a name and its colon fasthttp
//     drops, as RFC 9112 5.1 tells a proxy to: gw lets it, but for the two
//     framing fields.
//
// The quick pass (headScanner) costs one IndexByte per line and a look at
// the line's first bytes. A block of CRLF lines, nearly every upstream's,
// then goes to fasthttp from the connection's reader as before, with no
// copy. When fasthttp refuses a block, the strict pass finds the reason
// in nginx's words for the error log.

// maxInterim bounds the 1xx interim responses read before the final one,
// as fasthttp's Response.Read bounds them.
const maxInterim = 100

// HeadError is a response header gw refuses, with nginx's words for the
// error log.
type HeadError struct{ Msg string }

// Error returns the refusal in nginx's words.
func (e *HeadError) Error() string { return e.Msg }

var (
	errHeadTooBig     = &HeadError{"upstream sent too big header"}
	errTooManyInterim = &HeadError{"upstream sent too many interim responses"}
	errCLAndTE        = &HeadError{`upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time`}
)

// ReadResponseHead reads the response header from br into uh, skipping
// 1xx interim responses (101 is final). h gets what the transport and
// the proxy read to frame the body: the status, the length and whether
// the connection closes; for the forms resphead.Parse leaves to it,
// fasthttp parses the block into h, and uh is filled from that.
func ReadResponseHead(br *bufio.Reader, h *fasthttp.ResponseHeader, uh *resphead.Head) error {
	for n := 0; ; n++ {
		if err := readHead(br, h, uh); err != nil {
			return err
		}
		if s := h.StatusCode(); s < 100 || s > 199 || s == fasthttp.StatusSwitchingProtocols {
			return nil
		}
		if n == maxInterim {
			return errTooManyInterim
		}
	}
}

// readHead reads one header block: it waits until the block is complete
// in br's buffer, checks it, and reads it into uh (resphead.Parse) or has
// fasthttp parse it.
func readHead(br *bufio.Reader, h *fasthttp.ResponseHeader, uh *resphead.Head) error {
	if _, err := br.Peek(1); err != nil {
		if IsTimeout(err) || ErrnoOf(err) != 0 {
			return err
		}
		return io.EOF // nothing at all: the connection was closed
	}
	// The common form, whole in the buffer: nothing for the checks below
	// to refuse.
	if b, _ := br.Peek(br.Buffered()); readCommon(br, b, h, uh) {
		return nil
	}
	var s headScanner
	for {
		b, _ := br.Peek(br.Buffered())
		end, err := s.scan(b)
		if err != nil {
			return err
		}
		if end > 0 {
			if !s.bare {
				if readCommon(br, b[:end], h, uh) { // it came in pieces
					return nil
				}
				err = h.Read(br) // the same bytes, all buffered: no read
			} else {
				err = readWithCRLF(br, b[:end], h)
			}
			if err != nil {
				return explain(b[:end], err)
			}
			// The block is still in br's buffer: Read and Discard only
			// move past it.
			s.keepFirst(b, h)
			if h.ConnectionClose() {
				if err := strictCheck(b[:end]); err != nil {
					return err
				}
			}
			uh.FromFasthttp(h)
			return nil
		}
		if len(b) == br.Size() {
			return errHeadTooBig
		}
		if _, err := br.Peek(len(b) + 1); err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF // upstream prematurely closed connection
			}
			return err
		}
	}
}

// readCommon reads the block at the start of b, the bytes buffered in br,
// when resphead.Parse takes it (the common form): uh gets its lines, h
// its framing, and br moves past it.
func readCommon(br *bufio.Reader, b []byte, h *fasthttp.ResponseHeader, uh *resphead.Head) bool {
	n, f, ok := uh.Parse(b)
	if ok {
		setFraming(h, uh.Status(), f)
		_, _ = br.Discard(n)
	}
	return ok
}

// setFraming gives h what fasthttp's parser would have of a block
// resphead.Parse read: the status, the body's length, and the close.
// After an interim response h holds that one's header, which fasthttp's
// parser would have reset.
func setFraming(h *fasthttp.ResponseHeader, status int, f resphead.Framing) {
	if h.StatusCode() != fasthttp.StatusOK || h.ConnectionClose() {
		h.Reset()
	}
	h.SetStatusCode(status)
	h.SetContentLength(f.ContentLength) // -2 marks the close itself
	if f.Close {
		h.SetConnectionClose()
	}
}

// crlfHead is the scratch space of readWithCRLF.
type crlfHead struct {
	buf []byte
	rd  bytes.Reader
	br  *bufio.Reader
}

var crlfHeadPool = sync.Pool{New: func() any {
	x := new(crlfHead)
	// One CR more per line at most: twice the largest block.
	x.br = bufio.NewReaderSize(&x.rd, 2*ResponseHeaderMax)
	return x
}}

// readWithCRLF has fasthttp parse a copy of block whose lines all end in
// CRLF, then consumes block from br.
func readWithCRLF(br *bufio.Reader, block []byte, h *fasthttp.ResponseHeader) error {
	x := crlfHeadPool.Get().(*crlfHead)
	x.buf = AppendCRLF(x.buf[:0], block, false)
	x.rd.Reset(x.buf)
	x.br.Reset(&x.rd)
	err := h.Read(x.br)
	x.rd.Reset(nil)
	x.br.Reset(&x.rd)
	crlfHeadPool.Put(x)
	_, _ = br.Discard(len(block))
	return err
}

// AppendCRLF appends b to dst with a CR inserted before every LF that has
// none, cr being whether the byte before b was a CR: a header block's
// lines, ended in LF or CRLF, all ended in CRLF, as fasthttp's parser
// wants them. The client side uses it on a request header as it arrives,
// piece by piece; the transport on a whole response header.
func AppendCRLF(dst, b []byte, cr bool) []byte {
	for len(b) > 0 {
		j := bytes.IndexByte(b, '\n')
		if j < 0 {
			return append(dst, b...)
		}
		prevCR := cr
		if j > 0 {
			prevCR = b[j-1] == '\r'
		}
		dst = append(dst, b[:j]...)
		if !prevCR {
			dst = append(dst, '\r')
		}
		dst = append(dst, '\n')
		b = b[j+1:]
		cr = false
	}
	return dst
}

// explain returns nginx's words for a block fasthttp refused, from the
// strict pass, or else fasthttp's error.
func explain(block []byte, err error) error {
	if serr := strictCheck(block); serr != nil {
		return serr
	}
	return err
}
