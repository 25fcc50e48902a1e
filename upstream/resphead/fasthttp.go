package resphead

import "github.com/valyala/fasthttp"

// FromFasthttp fills h from a header fasthttp parsed: the forms Parse
// leaves to fasthttp's parser (HTTP/1.0, 1xx, 204 and 304, bare LFs,
// names with a space...), and the WebSocket handshake's answer. The lines
// come in fasthttp's order (Content-Length, Content-Type,
// Content-Encoding, Server and Set-Cookie first, then the others as
// sent), as gw passed them before it kept its own.
func (h *Head) FromFasthttp(fh *fasthttp.ResponseHeader) {
	h.Reset()
	// fasthttp would invent "text/plain; charset=utf-8" for a response
	// that has none; parsing clears the flag, so it is set here.
	fh.SetNoDefaultContentType(true)
	h.SetStatus(fh.StatusCode(), fh.StatusMessage())
	for k, v := range fh.All() {
		h.AddBytes(k, v)
	}
}
