package serve

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/metrics"
)

// metrics answers a gw_metrics location. Like the other pages it serves
// GET and HEAD only.
func (x *exchange) metrics() {
	ctx := x.ctx
	if !ctx.IsGet() && !ctx.IsHead() {
		x.sendError(fasthttp.StatusMethodNotAllowed, 0)
		return
	}
	g := x.rt.server
	if g == nil {
		x.sendError(fasthttp.StatusServiceUnavailable, 0)
		return
	}
	snap := g.Snapshot()
	body, err := metrics.Render(&snap)
	if err != nil {
		// A collector's bug, not the client's: answer as promhttp does
		// by default rather than serve a partial exposition.
		g.log.Error().Err(err).Msg("gw_metrics")
		x.sendError(fasthttp.StatusInternalServerError, 0)
		return
	}
	ctx.Response.Header.SetContentType(string(metrics.Format))
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.Response.SetBody(body)
}
