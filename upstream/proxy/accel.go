package proxy

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream"
)

// AccelRedirect is what Serve returns when the upstream answered with an
// X-Accel-Redirect header: the caller redirects the request internally to
// vars.Request.AccelRedirect, as nginx does, and answers with what the
// target gives. The headers nginx keeps across the redirect are already
// in the client's response; the upstream's body is dropped.
const AccelRedirect = -1

// accelKept are the upstream headers nginx copies to the client's response
// when it follows X-Accel-Redirect (those of ngx_http_upstream_headers_in
// marked for redirects); every other one stays behind.
var accelKept = []string{"content-type", "set-cookie", "content-disposition", "cache-control", "expires", "accept-ranges"}

// accelRedirect follows the upstream's X-Accel-Redirect, when it sent one
// (found by scanHeader, whose pass copyHeader then relies on):
// it keeps the headers nginx keeps, records the redirect's target and the
// upstream's header (for $upstream_http_*, which the redirected request
// still reads), and ends the try, closing the connection rather than
// reading a body nobody will see. ok is false when there is no redirect.
func (x *exchange) accelRedirect(peer *upstream.Peer) (status int, ok bool) {
	target := x.scanHeader()
	if target == nil {
		return 0, false
	}
	dst := &x.ctx.Response.Header
	for k, v := range x.resp.Header.All() {
		for _, name := range accelKept {
			if equalFold(k, name) {
				dst.AddBytesKV(k, v)
				break
			}
		}
	}
	x.r.AccelRedirect = append(x.r.AccelRedirect[:0], target...)
	kept := new(fasthttp.ResponseHeader) // the exchange and its header go back to the pool
	x.resp.Header.CopyTo(kept)
	kept.SetNoDefaultContentType(true) // an empty Content-Type means the upstream sent none
	x.r.UpstreamHeader = kept
	x.finishUpstream(true)
	x.recordResponse(peer, 0)
	peer.Release()
	x.release()
	return AccelRedirect, true
}
