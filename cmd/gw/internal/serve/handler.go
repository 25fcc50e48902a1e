package serve

import (
	"strconv"
	"sync"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/edge"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/rewrite"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/location"
)

// exchange is the state of one request while gw answers it. Pooled: the hot
// path allocates nothing for it.
type exchange struct {
	ctx  *fasthttp.RequestCtx
	rt   *runtime
	srv  *conf.Server
	st   *conf.Settings // settings of the location that answers (or the server's)
	vars vars.Request
	ret  *conf.Return // the return of an if block, which answers instead of the level's
	// broke: a break ended the level's script, so its return (written
	// after every step, see conf's addStep) does not answer.
	broke bool
	// cycle: rewrite ... last ran more than maxURIChanges times.
	cycle bool
	// accels counts the X-Accel-Redirects followed (accel.go).
	accels int
	buf    []byte // scratch for template evaluation
}

var exchangePool = sync.Pool{New: func() any { return &exchange{buf: make([]byte, 0, 256)} }}

// handle answers one request with the runtime bound to the listener: pick
// the server block, match the location, then produce the answer.
func (b *binding) handle(ctx *fasthttp.RequestCtx) {
	x, loc, redirect := b.begin(ctx)
	x.vars.Ender = x
	if cc, ok := ctx.Conn().(*edge.Conn); ok {
		if cc.Request(ctx.Request.Header.ContentLength(), x.st.ClientBodyTimeout, x.st.SendTimeout, x.st.KeepaliveRequests) {
			ctx.SetConnectionClose() // keepalive_requests reached
		}
	}
	if redirect {
		x.slashRedirect(loc)
	} else {
		x.answer(loc)
	}
	b.count(x.srv, ctx.Response.StatusCode())
	if needsCloseFraming(ctx) {
		sendUntilClose(ctx, x.st.SendTimeout)
	}
	if x.vars.Ender == nil {
		// The response's body (or tunnel) goes on after this handler
		// returns and ends the request when it has gone (EndRequest):
		// nginx writes the access log after the last byte, so that
		// $request_time, $bytes_sent and $upstream_response_time cover
		// the whole response.
		x.finish()
		return
	}
	x.end()
}

// EndRequest writes the access log of a request whose response went on
// after the handler returned, and pools the exchange.
func (x *exchange) EndRequest() {
	x.logAccess()
	x.release()
}

// begin starts an exchange for ctx: the server block, and the location
// with its settings (nil for a server-level return or when none matches);
// redirect is nginx's auto_redirect of /app to /app/.
func (b *binding) begin(ctx *fasthttp.RequestCtx) (x *exchange, loc *conf.Location, redirect bool) {
	rt := b.rt
	srv := rt.router.Select(b.sock, localIP(ctx), ctx.Host())
	x = exchangePool.Get().(*exchange)
	x.ctx, x.rt, x.srv = ctx, rt, srv
	// vars.Start stays zero: $request_time then counts from ctx.Time(),
	// the clock fasthttp read when it called this handler.
	x.vars.Ctx = ctx
	x.vars.Scheme = b.scheme
	x.vars.ServerName = srv.Name
	if srv.Capturing {
		// The groups of the server_name regex are $1..$9 and named
		// captures, as nginx sets them when it selects the server.
		names, subject, offsets, ok := location.Captures(srv, ctx.Host())
		if ok {
			x.vars.CaptureNames, x.vars.CaptureSubject, x.vars.Captures = names, subject, offsets
		}
	}

	loc, redirect = x.route(nil)
	x.warnUninitialized()
	x.realIP(srv.Settings, x.st)
	return x, loc, redirect
}

// route runs nginx's rewrite phases for the request's URI as it stands
// and finds what answers it. The server's rewrite directives and return
// come first, before any location is matched (nginx's server rewrite
// phase; skipped for a named location, which nginx enters directly), then
// the location search and the location's directives, again while they
// change the URI: rewrite ... last, or a rewrite without flag when
// nothing answers (nginx's post-rewrite phase), at most maxURIChanges
// times. loc is nil when no location answers; x.st is the settings that
// do: the server's, the location's, or those of the last if block of the
// location whose condition held. A return in an if answers instead of
// the level's return (x.ret); a break skips the level's return, written
// after it (x.broke). redirect is nginx's auto_redirect of /app to /app/.
func (x *exchange) route(named *conf.Location) (loc *conf.Location, redirect bool) {
	srv := x.srv
	x.st, x.ret, x.broke = srv.Settings, nil, false
	if named == nil {
		if s := srv.Settings.Script; s != nil {
			x.runScript(s)
		}
		if (srv.Settings.Return != nil && !x.broke) || x.ret != nil || x.vars.RedirectCode != 0 {
			return nil, false
		}
	}
	m := x.rt.matchers[srv]
	for changes := 0; ; changes++ {
		if loc, named = named, nil; loc == nil {
			if loc, redirect = m.Lookup(x.ctx.Path()); loc == nil {
				// No location: the server's settings answer, and its
				// return has had its turn in the server's phase.
				x.st, x.broke = srv.Settings, true
				return nil, false
			}
		}
		x.st, x.broke = loc.Settings, false
		x.vars.URIChanged, x.vars.LocationLost, x.vars.Branch = false, false, nil
		s := loc.Settings.Script
		if s == nil {
			return loc, redirect
		}
		x.runScript(s)
		if br, ok := x.vars.Branch.(*conf.Location); ok {
			// An if whose condition held switched the request to its
			// block's configuration (conf.Location.Branches).
			loc, x.st = br, br.Settings
		}
		answered := x.routedReturn() != nil || x.vars.RedirectCode != 0
		if !x.vars.URIChanged || answered {
			return loc, redirect
		}
		if changes == maxURIChanges-1 {
			x.cycle = true
			return loc, redirect
		}
	}
}

// routedReturn is the return that answers once the rewrite phases have
// run: one in an if block that ended the script, else the level's own
// unless a break skipped it (nginx runs it among the level's directives,
// after them); nil when none.
func (x *exchange) routedReturn() *conf.Return {
	if x.ret != nil {
		return x.ret
	}
	if x.broke {
		return nil
	}
	return x.st.Return
}

// rewriteEnded answers what the rewrite phases of an internal redirect
// (error_page, X-Accel-Redirect) ended with on their own, and reports
// whether they did: a rewrite ... last cycle (500, with nginx's line; an
// error page has no error page of its own) or a rewrite's redirect.
func (x *exchange) rewriteEnded() bool {
	switch {
	case x.cycle:
		x.logLine(x.rt.log.Error(), `rewrite or internal redirection cycle while processing "`+string(x.ctx.Path())+`"`)
		x.sendPage(fasthttp.StatusInternalServerError)
		return true
	case x.vars.RedirectCode != 0:
		x.redirect(x.vars.RedirectCode, x.vars.RedirectURL)
		return true
	}
	return false
}

// becomeGET makes the request a GET (a HEAD stays a HEAD), as nginx makes
// an internal redirect to a URI, for the target's directives and its
// upstream alike. It returns the client's method, which the caller puts
// back for the access log ($request is the request as received).
func (x *exchange) becomeGET() (method []byte) {
	h := &x.ctx.Request.Header
	method = append(method, h.Method()...)
	if !h.IsHead() {
		h.SetMethod(fasthttp.MethodGet)
	}
	return method
}

// maxURIChanges is nginx's NGX_HTTP_MAX_URI_CHANGES: how many times
// rewrite ... last may send a request to a location search again.
const maxURIChanges = 10

// runScript runs a level's rewrite script: x.ret is the return of an if
// block that ended it, x.broke tells that a break (or rewrite ... last)
// did.
func (x *exchange) runScript(s *rewrite.Script) {
	var o rewrite.Outcome
	if x.st.RewriteLog {
		x.vars.RewriteLog = x
	} else {
		x.vars.RewriteLog = nil
	}
	x.warnUninitialized()
	o, x.ret = s.Run(&x.vars)
	x.broke = o == rewrite.Stop || o == rewrite.Last
}

// warnUninitialized follows uninitialized_variable_warn of the settings
// in force.
func (x *exchange) warnUninitialized() {
	if x.st.UninitializedVariableWarn {
		x.vars.Warner = x
	} else {
		x.vars.Warner = nil
	}
}

// UninitializedVariable logs nginx's warning for a set variable read
// before any set gave it a value.
func (x *exchange) UninitializedVariable(name string) {
	x.logLine(x.rt.log.Warn(), `using uninitialized "`+name+`" variable`)
}

// RewriteNotice logs a line of rewrite_log at notice.
func (x *exchange) RewriteNotice(msg string) {
	x.logLine(x.rt.log.Info(), msg)
}

// end applies add_header and server_tokens, writes the access log and
// pools the exchange.
func (x *exchange) end() {
	x.finish()
	x.logAccess()
	x.release()
}

// release pools the exchange without answering.
func (x *exchange) release() {
	x.vars.Reset()
	x.ctx, x.rt, x.srv, x.st, x.ret, x.broke, x.cycle, x.accels, x.buf = nil, nil, nil, nil, nil, false, false, 0, x.buf[:0]
	exchangePool.Put(x)
}

// expect decides a request's "Expect: 100-continue" before fasthttp sends
// 100 Continue (Server.ExpectHandler): a body announced over the
// location's client_max_body_size is refused with 413 at once, as nginx
// does, so the client never sends it. The answer is complete when expect
// returns 413; fasthttp then closes the connection.
func (b *binding) expect(ctx *fasthttp.RequestCtx, log zerolog.Logger) int {
	x, _, _ := b.begin(ctx)
	limit, n := x.st.ClientMaxBodySize, int64(ctx.Request.Header.ContentLength())
	if limit <= 0 || n <= limit {
		if x.vars.Rewritten {
			// handle runs the rewrite directives again: give them the
			// client's URI, which the header still holds.
			ctx.Request.SetRequestURIBytes(ctx.Request.Header.RequestURI())
		}
		x.release() // the request goes on: handle answers and logs it
		return fasthttp.StatusContinue
	}
	log.Error().Str("client", ctx.RemoteAddr().String()).Str("host", string(ctx.Host())).
		Msg("client intended to send too large body: " + strconv.FormatInt(n, 10) + " bytes")
	x.sendError(fasthttp.StatusRequestEntityTooLarge, 0)
	x.end()
	return fasthttp.StatusRequestEntityTooLarge
}

// answer produces the response for the chosen settings: access control
// first (access.go), then return, else proxy_pass, else nginx's 404 for a
// file it cannot find, since gw serves no files. A status the proxy hands
// back (502, 504, 413...) is gw's own error and goes through error_page.
// [gw] nginx runs return in its rewrite phases, before access control, so
// there `deny all; return 200;` answers 200; gw checks access first, so
// that no answer of a protected location escapes its rules.
func (x *exchange) answer(loc *conf.Location) {
	if x.cycle {
		x.logLine(x.rt.log.Error(), `rewrite or internal redirection cycle while processing "`+string(x.ctx.Path())+`"`)
		x.sendError(fasthttp.StatusInternalServerError, 0)
		return
	}
	if !x.accessAllows() {
		return
	}
	if code := x.vars.RedirectCode; code != 0 {
		x.redirect(code, x.vars.RedirectURL)
		return
	}
	if ret := x.routedReturn(); ret != nil {
		x.doReturn(ret, 0)
		return
	}
	if pg := x.st.Page; pg != nil {
		x.page(pg)
		return
	}
	if p := x.rt.proxies[loc]; p != nil {
		x.proxied(p.Serve(x.ctx, &x.vars), 0)
		return
	}
	x.sendError(fasthttp.StatusNotFound, 0)
}

// finish applies what nginx applies to every response: add_header for the
// statuses it covers (or always), the Server header, and, as nginx's
// header filter does with absolute_redirect on, a Location that starts
// with '/' made absolute, so a proxied one (the backend's own, or one
// proxy_redirect shortened) reads as gw's own redirects do.
func (x *exchange) finish() {
	resp := &x.ctx.Response
	if x.vars.RelativeLocation {
		// Only a proxied Location can be relative here: gw's own
		// redirects are made absolute when they are set.
		if loc := resp.Header.Peek("Location"); len(loc) > 0 && loc[0] == '/' {
			resp.Header.SetBytesV("Location", x.absoluteURL(loc))
		}
	}
	code := resp.StatusCode()
	for i := range x.st.AddHeaders {
		h := &x.st.AddHeaders[i]
		if !h.Always && !addHeaderApplies(code) {
			continue
		}
		x.buf = h.Value.Append(x.buf[:0], &x.vars)
		if len(x.buf) == 0 {
			continue // nginx adds nothing for an empty value
		}
		resp.Header.Add(h.Name, string(x.buf))
	}
	// The proxy hides an upstream's Server unless proxy_pass_header Server
	// lets it through; then it stays, as in nginx.
	if len(resp.Header.Server()) == 0 {
		resp.Header.SetServer(serverToken(x.st.ServerTokens))
	}
}
