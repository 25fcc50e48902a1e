package main

import (
	"sync"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
)

// exchange is the state of one request while gw answers it. Pooled: the hot
// path allocates nothing for it.
type exchange struct {
	ctx  *fasthttp.RequestCtx
	rt   *runtime
	srv  *conf.Server
	st   *conf.Settings // settings of the location that answers (or the server's)
	vars vars.Request
	buf  []byte // scratch for template evaluation
}

var exchangePool = sync.Pool{New: func() any { return &exchange{buf: make([]byte, 0, 256)} }}

// handle answers one request with the runtime bound to the listener: pick
// the server block, match the location, then produce the answer.
func (b *binding) handle(ctx *fasthttp.RequestCtx) {
	rt := b.rt
	srv := rt.router.Select(b.sock, localIP(ctx), ctx.Host())
	x := exchangePool.Get().(*exchange)
	x.ctx, x.rt, x.srv = ctx, rt, srv
	// vars.Start stays zero: $request_time then counts from ctx.Time(),
	// the clock fasthttp read when it called this handler.
	x.vars.Ctx = ctx
	x.vars.Scheme = b.scheme
	if len(srv.Names) > 0 {
		x.vars.ServerName = srv.Names[0].Name
	}

	// A server-level return runs in nginx's server rewrite phase, before
	// any location is matched.
	x.st = srv.Settings
	var loc *conf.Location
	redirect := false
	if srv.Settings.Return == nil {
		if loc, redirect = rt.matchers[srv].Lookup(ctx.Path()); loc != nil {
			x.st = loc.Settings
		}
	}
	if redirect {
		x.slashRedirect(loc)
	} else {
		x.answer(loc)
	}
	x.finish()
	x.logAccess()

	x.vars.Reset()
	x.ctx, x.rt, x.srv, x.st, x.buf = nil, nil, nil, nil, x.buf[:0]
	exchangePool.Put(x)
}

// answer produces the response for the chosen settings: return, else
// proxy_pass, else nginx's 404 for a file it cannot find, since gw serves no
// files. A status the proxy hands back (502, 504, 413...) is gw's own error
// and goes through error_page.
func (x *exchange) answer(loc *conf.Location) {
	if ret := x.st.Return; ret != nil {
		x.doReturn(ret, 0)
		return
	}
	if p := x.rt.proxies[loc]; p != nil {
		if status := p.Serve(x.ctx, &x.vars); status != 0 {
			x.sendError(status, 0)
		}
		return
	}
	x.sendError(fasthttp.StatusNotFound, 0)
}

// finish applies what nginx applies to every response: add_header for the
// statuses it covers (or always), and the Server header.
func (x *exchange) finish() {
	resp := &x.ctx.Response
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
