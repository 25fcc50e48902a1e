// Package body holds what the proxy keeps of a client's request body on
// its way to an upstream: the Reader that streams it (enforcing
// client_max_body_size and telling client failures from upstream ones)
// and the Spool that reads a chunked body whole for an HTTP/1.0 upstream,
// in memory up to client_body_buffer_size and in an unlinked temporary
// file beyond.
//
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
//     unlinked temporary file (Spool), as nginx does;
//   - every other body streams: chunked to HTTP/1.1 upstreams, and bodies
//     beyond the bound.
//
// fasthttp itself holds at most 8 KiB of a streamed body before the
// handler runs (its prefetch). Response bodies are bounded apart, by the
// proxy.
package body
