package serve

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/upstream/health"
)

// checkStatus answers a check_status location with Tengine's page of the
// checked servers: the directive's format unless ?format= names another,
// the servers ?status= (up, down) selects.
func (x *exchange) checkStatus(pg *pages.Page) {
	ctx := x.ctx
	args := ctx.QueryArgs()
	f := pg.Format
	if named, ok := check.ParseFormat(string(args.Peek("format"))); ok {
		f = named
	}
	rows := health.Rows(x.rt.upstream.Upstreams(), health.ParseFilter(args.Peek("status")))
	ctx.Response.Header.SetContentType(health.ContentType(f))
	ctx.Response.Header.Set(fasthttp.HeaderCacheControl, "no-cache")
	ctx.SetStatusCode(fasthttp.StatusOK)
	x.buf = health.AppendStatus(x.buf[:0], f, x.rt.gen, rows)
	ctx.Response.SetBody(x.buf)
}
