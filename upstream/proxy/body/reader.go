package body

import (
	"errors"
	"io"
)

// The client-side outcomes of forwarding a request body.
var (
	// ErrTooLarge: the body grew past client_max_body_size.
	ErrTooLarge = errors.New("client intended to send too large body")
	// ErrPastLength: the body went on past its Content-Length (which
	// fasthttp's body stream does not let happen).
	ErrPastLength = errors.New("client sent more than its Content-Length")
)

// Body lengths as fasthttp reports them.
const (
	Chunked = -1 // Transfer-Encoding: chunked
	None    = -2 // neither Content-Length nor chunked
)

// Reader reads the client's body for the upstream, enforcing
// client_max_body_size on bodies whose length was not announced and
// recording what went wrong on the client's side, so the retry loop can
// tell a client failure from an upstream one.
type Reader struct {
	src     io.Reader
	limit   int64 // client_max_body_size; 0: unlimited
	N       int64 // bytes read
	Err     error // the client side's failure, if any
	Started bool  // bytes were taken from src: the body cannot be sent twice
	eof     bool  // src was read to its end
}

// Reset makes b read src, up to limit bytes (0: no limit).
func (b *Reader) Reset(src io.Reader, limit int64) {
	*b = Reader{src: src, limit: limit}
}

// Read implements io.Reader for fasthttp's request writer.
func (b *Reader) Read(p []byte) (int, error) {
	b.Started = true
	n, err := b.src.Read(p)
	b.N += int64(n)
	if b.limit > 0 && b.N > b.limit {
		b.Err = ErrTooLarge
		return 0, b.Err
	}
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil:
		b.Err = err
	}
	return n, err
}

// Unread reports whether part of a streamed body is still on the client's
// connection: fasthttp does not skip it, so the connection cannot carry
// another request.
func (b *Reader) Unread() bool { return b.src != nil && !b.eof }

// Fill reads into dst's spare capacity until dst is full or the body
// ends, and never past cap(dst): that bounds what a caller holds. eof
// reports the end of the body; a failure is the client's (also in b.Err).
func (b *Reader) Fill(dst []byte) (_ []byte, eof bool, err error) {
	for len(dst) < cap(dst) {
		n, err := b.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, true, nil
		}
		if err != nil {
			return dst, false, err
		}
	}
	return dst, false, nil
}
