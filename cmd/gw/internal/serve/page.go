package serve

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/pages"
)

// page answers a location whose content gw makes itself. The pages but
// gw_api only read, so they serve GET and HEAD only, as nginx's and Tengine's do; all
// but check_status read the Server's counters, which a runtime built
// without one (tests of the handler) does not have.
func (x *exchange) page(pg *pages.Page) {
	if pg.Kind == pages.API {
		x.runtimeAPI(pg) // it writes too: its methods are its own
		return
	}
	ctx := x.ctx
	if !ctx.IsGet() && !ctx.IsHead() {
		ctx.Response.Header.Set(fasthttp.HeaderAllow, "GET, HEAD")
		x.sendError(fasthttp.StatusMethodNotAllowed, 0)
		return
	}
	if pg.Kind != pages.CheckStatus && x.rt.server == nil {
		x.sendError(fasthttp.StatusServiceUnavailable, 0)
		return
	}
	switch pg.Kind {
	case pages.CheckStatus:
		x.checkStatus(pg)
	case pages.StubStatus:
		x.stubStatus()
	case pages.Metrics:
		x.metrics()
	case pages.GWStatus:
		x.gwStatus(pg)
	}
}
