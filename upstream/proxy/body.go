package proxy

import (
	"errors"
	"io"
)

// Request bodies cross the proxy as a stream, so an upload of any size
// costs gw a few buffers, not its size. What is read into memory is
// bounded by client_body_buffer_size (default 16k), per request:
//
//   - a body of known length up to it is read before the first try when
//     proxy_request_buffering is on (nginx's default): the request can then
//     be sent again to another peer on a retry, and no peer connection
//     waits for a slow client. Longer bodies stream [gw: nginx would write
//     them to a file first];
//   - a chunked body for an HTTP/1.0 upstream, whose length must be known
//     before it is sent, keeps that much in memory and the rest in an
//     unlinked temporary file (spool.go), as nginx does;
//   - every other body streams: chunked to HTTP/1.1 upstreams, and bodies
//     beyond the bound.
//
// fasthttp itself holds at most 8 KiB of a streamed body before the
// handler runs (its prefetch). Response bodies are bounded apart, by
// bufferedRespMax.

// The client-side outcomes of forwarding a request body.
var (
	// errBodyTooLarge: the body grew past client_max_body_size.
	errBodyTooLarge = errors.New("client intended to send too large body")
	// errBodyPastLength: the body went on past its Content-Length (which
	// fasthttp's body stream does not let happen).
	errBodyPastLength = errors.New("client sent more than its Content-Length")
)

// Body lengths as fasthttp reports them.
const (
	bodyChunked = -1 // Transfer-Encoding: chunked
	bodyNone    = -2 // neither Content-Length nor chunked
)

// reqBody reads the client's body for the upstream, enforcing
// client_max_body_size on bodies whose length was not announced and
// recording what went wrong on the client's side, so the retry loop can
// tell a client failure from an upstream one.
type reqBody struct {
	src     io.Reader
	limit   int64 // client_max_body_size; 0: unlimited
	n       int64
	err     error // the client side's failure, if any
	started bool  // bytes were taken from src: the body cannot be sent twice
	eof     bool  // src was read to its end
}

func (b *reqBody) reset(src io.Reader, limit int64) {
	*b = reqBody{src: src, limit: limit}
}

// Read implements io.Reader for fasthttp's request writer.
func (b *reqBody) Read(p []byte) (int, error) {
	b.started = true
	n, err := b.src.Read(p)
	b.n += int64(n)
	if b.limit > 0 && b.n > b.limit {
		b.err = errBodyTooLarge
		return 0, b.err
	}
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil:
		b.err = err
	}
	return n, err
}

// unread reports whether part of a streamed body is still on the client's
// connection: fasthttp does not skip it, so the connection cannot carry
// another request.
func (b *reqBody) unread() bool { return b.src != nil && !b.eof }

// fill reads into dst's spare capacity until dst is full or the body
// ends, and never past cap(dst): that bounds what a caller holds. eof
// reports the end of the body; a failure is the client's (also in b.err).
func (b *reqBody) fill(dst []byte) (_ []byte, eof bool, err error) {
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
