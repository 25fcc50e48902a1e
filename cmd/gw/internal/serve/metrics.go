package serve

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/metrics"
)

// metrics answers a gw_metrics location with the Prometheus exposition of
// the Server's snapshot.
func (x *exchange) metrics() {
	ctx := x.ctx
	g := x.rt.server
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
