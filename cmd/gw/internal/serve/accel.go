package serve

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/proxy"
)

// proxied answers what a proxy handed back: nothing more when it answered
// (0), an internal redirect when the upstream sent X-Accel-Redirect, else
// gw's own error through error_page.
func (x *exchange) proxied(status, depth int) {
	switch status {
	case 0:
	case proxy.AccelRedirect:
		x.accelRedirect(depth)
	default:
		x.sendError(status, depth)
	}
}

// accelRedirect follows an upstream's X-Accel-Redirect as nginx does
// (ngx_http_upstream_process_headers): "@name" enters that named location
// with the request as it is; a URI (with "?args") is checked for ".."
// segments after unescaping (nginx's ngx_http_parse_unsafe_uri: 404 when
// unsafe) and becomes the request's URI, its method GET unless it is
// HEAD, and the server's and the location's rewrite directives run for it.
// The target answers with its own status; the headers the proxy kept
// (Content-Type, Set-Cookie...) stay unless the answer sets them. Each
// redirect counts as nginx's URI changes do: more than maxURIChanges end
// in 500.
func (x *exchange) accelRedirect(depth int) {
	target := x.vars.AccelRedirect
	if x.accels++; x.accels > maxURIChanges {
		x.logLine(x.rt.log.Error(), `rewrite or internal redirection cycle while internally redirecting to "`+string(target)+`"`)
		x.sendPage(fasthttp.StatusInternalServerError)
		return
	}
	var named *conf.Location
	if len(target) > 0 && target[0] == '@' {
		if named = x.rt.matchers[x.srv].Named(string(target)); named == nil {
			x.logLine(x.rt.log.Error(), `could not find named location "`+string(target)+`"`)
			x.sendPage(fasthttp.StatusInternalServerError)
			return
		}
	} else {
		path, args, ok := safeURI(target)
		if !ok {
			x.logLine(x.rt.log.Error(), `unsafe URI "`+string(target)+`" was detected`)
			x.sendPage(fasthttp.StatusNotFound)
			return
		}
		// becomeGET runs now; the client's method it returns is put back at the end.
		defer x.ctx.Request.Header.SetMethodBytes(x.becomeGET())
		uri := x.ctx.URI()
		uri.SetPathBytes(path)
		uri.SetQueryStringBytes(args)
		x.vars.Rewritten = true
	}
	x.vars.RedirectCode, x.vars.RedirectURL = 0, nil
	loc, slash := x.route(named)
	if x.rewriteEnded() {
		return
	}
	if slash {
		x.slashRedirect(loc)
		return
	}
	if ret := x.routedReturn(); ret != nil {
		x.doReturn(ret, depth)
		return
	}
	p := x.rt.proxies[loc]
	if loc == nil || p == nil {
		x.sendError(fasthttp.StatusNotFound, depth) // gw serves no files
		return
	}
	if !x.bodyless() {
		// [gw] The request's body went to the first upstream and cannot
		// be sent again, nor dropped from the request safely.
		x.logLine(x.rt.log.Error(), `X-Accel-Redirect to "`+string(target)+`" not followed: the request had a body`)
		x.sendError(fasthttp.StatusBadGateway, depth)
		return
	}
	x.proxied(p.Serve(x.ctx, &x.vars), depth)
}

// safeURI splits an X-Accel-Redirect URI at its "?" and refuses it, as
// nginx's ngx_http_parse_unsafe_uri does, when it is empty or holds a NUL
// or a ".." segment, before or after its percent-escapes are decoded. The
// path comes back decoded.
func safeURI(v []byte) (path, args []byte, ok bool) {
	path = v
	if i := bytes.IndexByte(v, '?'); i >= 0 {
		path, args = v[:i], v[i+1:]
	}
	if len(path) == 0 || !safePath(path) {
		return nil, nil, false
	}
	if bytes.IndexByte(path, '%') >= 0 {
		if path = vars.AppendPercentDecoded(make([]byte, 0, len(path)), path); !safePath(path) {
			return nil, nil, false
		}
	}
	return path, args, true
}

// safePath reports whether p has no NUL and no ".." segment.
func safePath(p []byte) bool {
	if bytes.IndexByte(p, 0) >= 0 {
		return false
	}
	for _, seg := range bytes.Split(p, []byte{'/'}) {
		if string(seg) == ".." {
			return false
		}
	}
	return true
}

// keptType reports whether the response holds the Content-Type of an
// upstream whose X-Accel-Redirect was followed: a return's text keeps it,
// as nginx sets a default type only where none is set.
func (x *exchange) keptType() bool {
	return x.accels > 0 && x.vars.UpstreamHeader != nil && len(x.vars.UpstreamHeader.ContentType()) > 0
}
