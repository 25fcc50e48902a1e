package proxy

import (
	"bytes"
	"slices"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream/proxy/rewrite"
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
	redirects []rewrite.Redirect
}

// nginxHidden are the headers ngx_http_proxy_hide_headers hides unless
// proxy_pass_header names them (X-Accel-* apart). gw and fasthttp write
// their own Date and Server.
var nginxHidden = []string{"date", "server", "x-pad"}

// newResponseHeaders compiles proxy_hide_header, proxy_pass_header and
// proxy_redirect for a location.
func newResponseHeaders(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass) responseHeaders {
	h := responseHeaders{hideAccel: true, redirects: rewrite.NewRedirects(loc, st, pp)}
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
// may cross into the client's response, in one pass. Content-Length is
// left to the body, which sets it; hop-by-hop headers and those the
// upstream's Connection header names stay behind: a name listed by a
// Connection line that comes after the line it names is removed once
// the pass is over. It returns the upstream's X-Accel-Redirect, nil when
// there is none (deliver then follows it, see accel.go).
func (x *exchange) copyHeader() (accel []byte) {
	src, dst := &x.upHead, &x.ctx.Response.Header
	dst.SetStatusCode(x.resp.StatusCode())
	if msg := src.Reason(); len(msg) > 0 {
		dst.SetStatusMessage(msg)
	}
	x.tokens.reset()
	rules := &x.p.respHeaders
	var seen uint16 // the single-value headers passed so far, by singleBit
	late := false   // a Connection line named a header: look back once done
	for k, v := range src.All() {
		switch len(k) {
		case len("connection"):
			if equalFold(k, "connection") {
				late = x.tokens.addNames(v) || late
				continue
			}
		case len("x-accel-redirect"):
			if accel == nil && len(v) > 0 && equalFold(k, "x-accel-redirect") {
				accel = v
			}
		}
		if isHopByHop(k) || equalFold(k, "content-length") || x.tokens.has(k) || rules.hidden(k) {
			continue
		}
		bit := singleBit(k)
		if bit != 0 {
			if seen&bit != 0 {
				continue
			}
			seen |= bit
		}
		loc := bit == bitLocation
		if len(rules.redirects) > 0 && (loc || equalFold(k, "refresh")) {
			if nv, ok := rewrite.ApplyRedirect(x.buf[:0], rules.redirects, v, !loc, x.r); ok {
				x.buf = nv
				v = nv
			}
		}
		if loc && len(v) > 0 && v[0] == '/' {
			x.r.RelativeLocation = true // made absolute with the response (serve's finish)
		}
		dst.AddBytesKV(k, v)
	}
	if late {
		for _, name := range x.tokens.names {
			dst.DelBytes(name)
		}
	}
	return accel
}

// bitLocation is singleBit's bit for Location, which copyHeader also
// edits (proxy_redirect) and marks when relative.
const bitLocation = 1 << 3

// singleBit returns a bit of its own for each header nginx holds as one
// value (ngx_http_upstream_headers_in: those read by
// ngx_http_upstream_process_header_line and the like), 0 for the others.
// nginx passes the first line of such a header and ignores the repeats;
// list headers (Cache-Control, Vary, Link, WWW-Authenticate...) and
// Set-Cookie pass every line. Date and Server are never passed.
func singleBit(k []byte) uint16 {
	switch len(k) {
	case 12:
		if equalFold(k, "content-type") {
			return 1 << 11
		}
	case 4:
		if equalFold(k, "etag") {
			return 1 << 0
		}
	case 6:
		if equalFold(k, "status") {
			return 1 << 1
		}
	case 7:
		if equalFold(k, "expires") {
			return 1 << 2
		}
	case 8:
		if equalFold(k, "location") {
			return bitLocation
		}
	case 13:
		if equalFold(k, "last-modified") || equalFold(k, "accept-ranges") {
			if k[0]|0x20 == 'l' {
				return 1 << 4
			}
			return 1 << 5
		}
	case 15:
		if equalFold(k, "x-accel-expires") || equalFold(k, "x-accel-charset") {
			if k[8]|0x20 == 'e' {
				return 1 << 6
			}
			return 1 << 7
		}
	case 16:
		if equalFold(k, "x-accel-redirect") {
			return 1 << 8
		}
		if equalFold(k, "content-encoding") {
			return 1 << 12
		}
	case 17:
		if equalFold(k, "x-accel-buffering") {
			return 1 << 9
		}
	case 18:
		if equalFold(k, "x-accel-limit-rate") {
			return 1 << 10
		}
	}
	return 0
}

// hasBody reports whether the upstream response carries a body to pass:
// not for HEAD, 1xx, 204 and 304.
func (x *exchange) hasBody() bool {
	s := x.resp.StatusCode()
	return !x.ctx.IsHead() && s >= 200 && s != fasthttp.StatusNoContent && s != fasthttp.StatusNotModified
}
