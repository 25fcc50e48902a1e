package proxy

import "github.com/gw-proxy/gw/upstream/resphead"

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

// accelRedirect follows the upstream's X-Accel-Redirect target, which
// copyHeader found while it copied the header: of what it copied, only
// the headers nginx keeps stay. It records the target and the upstream's
// header (for $upstream_http_*, which the redirected request still
// reads), and ends the try, closing the connection rather than reading a
// body nobody will see.
func (x *exchange) accelRedirect(target []byte) int {
	dst := &x.ctx.Response.Header
	for k := range x.upHead.All() {
		if !accelKeeps(k) {
			dst.DelBytes(k)
		}
	}
	x.r.AccelRedirect = append(x.r.AccelRedirect[:0], target...)
	kept := new(resphead.Head) // the exchange and its header go back to the pool
	kept.CopyFrom(&x.upHead)
	x.r.UpstreamHeader = kept
	x.finishUpstream(true)
	x.release() // records the try and releases the peer
	return AccelRedirect
}

// accelKeeps reports whether an upstream header is one of accelKept.
func accelKeeps(name []byte) bool {
	for _, n := range accelKept {
		if equalFold(name, n) {
			return true
		}
	}
	return false
}
