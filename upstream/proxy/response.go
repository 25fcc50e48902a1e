package proxy

import (
	"bytes"
	"slices"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
)

// responseHeaders decides which upstream response headers reach the client.
type responseHeaders struct {
	// hide holds lower-cased names never passed: nginx's defaults (Date,
	// Server, X-Pad) minus proxy_pass_header, plus proxy_hide_header.
	hide [][]byte
	// hideAccel hides the X-Accel-* control headers, nginx's default;
	// passAccel lists those proxy_pass_header lets through anyway.
	hideAccel bool
	passAccel [][]byte
	redirects []redirectRule
}

// nginxHidden are the headers ngx_http_proxy_hide_headers hides unless
// proxy_pass_header names them (X-Accel-* apart). gw and fasthttp write
// their own Date and Server.
var nginxHidden = []string{"date", "server", "x-pad"}

// newResponseHeaders compiles proxy_hide_header, proxy_pass_header and
// proxy_redirect for a location.
func newResponseHeaders(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass) responseHeaders {
	h := responseHeaders{hideAccel: true, redirects: newRedirectRules(loc, st, pp)}
	for _, name := range nginxHidden {
		if !slices.Contains(st.ProxyPassHeaders, name) {
			h.hide = append(h.hide, []byte(name))
		}
	}
	for _, name := range st.ProxyHideHeaders {
		h.hide = append(h.hide, []byte(name))
	}
	for _, name := range st.ProxyPassHeaders {
		if len(name) > len("x-accel-") && name[:len("x-accel-")] == "x-accel-" {
			h.passAccel = append(h.passAccel, []byte(name))
		}
	}
	return h
}

// hidden reports whether a response header stays with gw.
func (h *responseHeaders) hidden(name []byte) bool {
	for _, n := range h.hide {
		if len(n) == len(name) && bytes.EqualFold(n, name) {
			return true
		}
	}
	if h.hideAccel && hasPrefixFold(name, "x-accel-") {
		for _, n := range h.passAccel {
			if bytes.EqualFold(n, name) {
				return false
			}
		}
		return true
	}
	return false
}

// copyHeader copies the upstream response's status and the headers that
// may cross into the client's response. Content-Length is left to the
// body, which sets it; hop-by-hop headers and those the upstream's
// Connection header names stay behind.
func (x *exchange) copyHeader() {
	src, dst := &x.resp.Header, &x.ctx.Response.Header
	dst.SetStatusCode(src.StatusCode())
	if msg := src.StatusMessage(); len(msg) > 0 {
		dst.SetStatusMessage(msg)
	}
	x.tokens.reset()
	for k, v := range src.All() {
		if equalFold(k, "connection") {
			x.tokens.add(v)
		}
	}
	rules := &x.p.respHeaders
	for k, v := range src.All() {
		if isHopByHop(k) || equalFold(k, "content-length") || x.tokens.has(k) || rules.hidden(k) {
			continue
		}
		if len(rules.redirects) > 0 {
			if loc := equalFold(k, "location"); loc || equalFold(k, "refresh") {
				if nv, ok := rewriteRedirect(x.buf[:0], rules.redirects, v, !loc, x.r); ok {
					x.buf = nv
					v = nv
				}
			}
		}
		dst.AddBytesKV(k, v)
	}
}

// hasBody reports whether the upstream response carries a body to pass:
// not for HEAD, 1xx, 204 and 304.
func (x *exchange) hasBody() bool {
	s := x.resp.StatusCode()
	return !x.ctx.IsHead() && s >= 200 && s != fasthttp.StatusNoContent && s != fasthttp.StatusNotModified
}
