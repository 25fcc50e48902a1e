package serve

import (
	"bytes"
	"net"
	"net/netip"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/api"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/proxy"
	"github.com/gw-proxy/gw/upstream/proxy/body"
)

// maxErrorPageDepth bounds error_page redirections: like nginx without
// recursive_error_pages, an error while serving an error page is answered
// with the built-in page.
const maxErrorPageDepth = 1

// doReturn is the return directive: 444 closes the connection without an
// answer; redirects carry a Location; other codes carry the text as body or,
// without text, the built-in page (subject to error_page).
func (x *exchange) doReturn(ret *conf.Return, depth int) {
	code := ret.Code
	if code == 444 {
		x.closeWithoutResponse()
		return
	}
	if ret.Text == nil {
		if code >= 400 {
			x.sendError(code, depth)
			return
		}
		x.sendPage(code)
		return
	}
	x.buf = ret.Text.Append(x.buf[:0], &x.vars)
	if isRedirect(code) {
		x.redirect(code, x.buf)
		if x.errorPageFor(code, depth) != nil {
			// nginx finalizes a return redirect with its code, so
			// error_page applies to it too. Its Location stays unless the
			// page sets its own (rewrite.t: "error 302 return 200 text";
			// http_error_page.t: "old location cleared").
			x.sendError(code, depth)
		}
		return
	}
	x.ctx.Response.SetStatusCode(code)
	if !x.keptType() {
		x.ctx.Response.Header.SetContentType("text/plain")
	}
	x.ctx.Response.SetBody(x.buf)
}

// redirect answers with a Location. A relative URL is made absolute the way
// nginx does by default (absolute_redirect on, server_name_in_redirect off,
// port_in_redirect on): scheme, the request's host, and the local port
// unless it is the scheme's default.
func (x *exchange) redirect(code int, url []byte) {
	x.ctx.Response.Header.SetBytesV("Location", x.absoluteURL(url))
	x.sendPage(code)
}

// absoluteURL completes a URL that starts with '/' with scheme, the
// request's host, and the local port unless it is the scheme's default;
// any other URL is returned as it is.
func (x *exchange) absoluteURL(url []byte) []byte {
	if len(url) == 0 || url[0] != '/' {
		return url
	}
	abs := make([]byte, 0, 64+len(url))
	abs = append(abs, x.vars.Scheme...)
	abs = append(abs, "://"...)
	abs = append(abs, x.redirectHost()...)
	if port := localPort(x.ctx); !(port == 80 && x.vars.Scheme == vars.SchemeHTTP) && !(port == 443 && x.vars.Scheme == vars.SchemeHTTPS) {
		abs = append(abs, ':')
		abs = strconv.AppendInt(abs, int64(port), 10)
	}
	return append(abs, url...)
}

// redirectHost is the Host header without its port, or the server's first
// name when the request has none.
func (x *exchange) redirectHost() []byte {
	host := x.ctx.Request.Header.Host()
	if i := bytes.LastIndexByte(host, ':'); i >= 0 && !bytes.Contains(host[i:], []byte("]")) {
		host = host[:i]
	}
	if len(host) == 0 {
		return []byte(x.vars.ServerName)
	}
	return host
}

// slashRedirect is nginx's auto_redirect: /app asked of a proxying
// `location /app/` is answered 301 to /app/, keeping the query string.
func (x *exchange) slashRedirect(loc *conf.Location) {
	url := append(x.buf[:0], loc.Pattern...)
	if args := x.ctx.URI().QueryString(); len(args) > 0 {
		url = append(url, '?')
		url = append(url, args...)
	}
	x.buf = url
	x.redirect(fasthttp.StatusMovedPermanently, url)
}

// sendPage answers with a status and, where nginx has one, its built-in
// page; a gw_api location's answers (401, 403...) are the API's JSON
// errors instead, which its clients parse.
func (x *exchange) sendPage(code int) {
	resp := &x.ctx.Response
	if pg := x.st.Page; pg != nil && pg.Kind == pages.API && hasStatusPage(code) {
		api.Error(x.ctx, code, reasonPhrase(code))
		return
	}
	resp.SetStatusCode(code)
	if hasStatusPage(code) {
		resp.Header.SetContentType("text/html")
		resp.SetBody(statusPage(code, serverToken(x.st.ServerTokens)))
	}
}

// sendError answers one of gw's own errors, through error_page when the
// settings have one for the code.
func (x *exchange) sendError(code, depth int) {
	if ep := x.errorPageFor(code, depth); ep != nil {
		x.errorPage(ep, code, depth+1)
		return
	}
	x.sendPage(code)
}

// errorPageFor is the error_page for code in the settings in force, nil
// when there is none or the redirections are at their limit.
func (x *exchange) errorPageFor(code, depth int) *conf.ErrorPage {
	if depth >= maxErrorPageDepth {
		return nil
	}
	for i := range x.st.ErrorPages {
		if ep := &x.st.ErrorPages[i]; hasCode(ep.Codes, code) {
			return ep
		}
	}
	return nil
}

func hasCode(codes []int, code int) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// errorPage redirects an error internally to the page's URI: a named
// location, a location matched by the URI's path, or, for a URL, a client
// redirect (302 unless `=30x` says otherwise), as nginx does. The target
// runs as nginx runs an internal redirect: its rewrite directives first
// (the server's too for a URI, see route), then its answer — a rewrite's
// redirect, a return, or its upstream's answer through its proxy_pass.
func (x *exchange) errorPage(ep *conf.ErrorPage, code, depth int) {
	uri := ep.URI.Append(nil, &x.vars)
	if bytes.HasPrefix(uri, []byte("http://")) || bytes.HasPrefix(uri, []byte("https://")) {
		rcode := fasthttp.StatusFound
		if isRedirect(ep.Response) {
			rcode = ep.Response
		}
		x.redirect(rcode, uri)
		return
	}
	var named *conf.Location
	if len(uri) > 0 && uri[0] == '@' {
		if named = x.rt.matchers[x.srv].Named(string(uri)); named == nil {
			x.sendPage(code)
			return
		}
	} else {
		// To a URI, the request becomes a GET of that URI, as nginx's
		// ngx_http_send_error_page makes it. The client's request line
		// is put back afterwards for the access log, which logs $request
		// as received.
		req := &x.ctx.Request
		method := x.becomeGET()
		target := append([]byte(nil), req.Header.RequestURI()...)
		defer func() {
			req.Header.SetMethodBytes(method)
			req.SetRequestURIBytes(target)
		}()
		req.SetRequestURIBytes(uri)
		// The page's URI replaces any URI rewrite made: the proxy builds
		// the upstream URI from it as from a client's.
		x.vars.Rewritten = false
	}
	x.vars.RedirectCode, x.vars.RedirectURL = 0, nil
	loc, slash := x.route(named)
	if x.targetAnswers(loc, slash, code, depth) {
		x.errorPageStatus(ep, code)
	}
}

// targetAnswers answers an error page's target once its rewrite
// directives have run, and reports whether the error page's status then
// applies. It does not when the target ends the request with a status of
// its own, as nginx's finalization with that status sets the status
// again: a redirect (return 30x, rewrite ... redirect, auto_redirect
// excepted), a return of an error code without text, a rewrite cycle.
func (x *exchange) targetAnswers(loc *conf.Location, slash bool, code, depth int) (statusApplies bool) {
	if x.rewriteEnded() {
		return false
	}
	if slash {
		// The page's URI is a proxying location's without its trailing
		// slash: nginx's auto_redirect answers it, with the status
		// error_page says (the original's without `=`).
		x.ctx.Response.Header.Del("Location")
		x.slashRedirect(loc)
		return true
	}
	if ret := x.routedReturn(); ret != nil {
		x.doReturn(ret, depth)
		return !(isRedirect(ret.Code) || (ret.Code >= 400 && ret.Text == nil))
	}
	var p *proxy.Proxy
	if loc != nil {
		p = x.rt.proxies[loc]
	}
	if p == nil || !x.bodyless() {
		// gw serves no files: a page URI that neither return nor
		// proxy_pass answers is a 404 while serving the error page, which
		// nginx answers with the built-in page of the original error.
		// [gw] A request with a body is not proxied again: its body went
		// to the first upstream, or was refused, and cannot be sent twice.
		x.sendPage(code)
		return true
	}
	x.ctx.Response.Reset()
	if status := p.Serve(x.ctx, &x.vars); status != 0 {
		// Like nginx without recursive_error_pages, an error page has
		// no error page: the target proxy's error is its built-in page.
		x.proxied(status, depth)
		return false
	}
	return true
}

// errorPageStatus sets the status an error page is answered with: the
// one after `=`, the original code without `=`, or (`=` alone) the
// target's own.
func (x *exchange) errorPageStatus(ep *conf.ErrorPage, code int) {
	switch {
	case ep.Response > 0:
		x.ctx.Response.SetStatusCode(ep.Response)
	case ep.Response == 0:
		x.ctx.Response.SetStatusCode(code)
	}
}

// bodyless reports whether the request came without a body.
func (x *exchange) bodyless() bool {
	return x.ctx.Request.Header.ContentLength() == body.None || x.ctx.Request.Header.ContentLength() == 0
}

// closeWithoutResponse is nginx's 444: the connection is closed and nothing
// is sent.
func (x *exchange) closeWithoutResponse() {
	x.ctx.HijackSetNoResponse(true)
	x.ctx.Hijack(func(net.Conn) {})
	x.ctx.Response.SetStatusCode(444) // for the access log
}

// localPort is the port the client connected to.
func localPort(ctx *fasthttp.RequestCtx) int {
	if a, ok := ctx.LocalAddr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// localIP is the address the client connected to, without allocating.
func localIP(ctx *fasthttp.RequestCtx) netip.Addr {
	return netipOf(ctx.LocalAddr())
}

// netipOf is a TCP address's IP as a netip.Addr (zero for other kinds).
func netipOf(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort().Addr()
	}
	return netip.Addr{}
}
