package upstream

import (
	"errors"
	"io"
)

// Request bodies cross the proxy as a stream, so an upload of any size
// costs gw a few buffers, not its size. Small bodies of known length are
// read first when proxy_request_buffering is on (nginx's default): the
// request can then be sent again to another peer on a retry, and no peer
// connection waits for a slow client.

// bufferedBodyMax is the largest body read into memory before the first
// try: nginx's default client_body_buffer_size is 8k|16k, beyond which it
// spools to a file; gw streams instead, and keeps a little more in memory.
const bufferedBodyMax = 64 << 10

// The client-side outcomes of forwarding a request body.
var (
	// errBodyTooLarge: the body grew past client_max_body_size.
	errBodyTooLarge = errors.New("client intended to send too large body")
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

// readAll appends everything b yields to dst.
func (b *reqBody) readAll(dst []byte) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := b.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}
