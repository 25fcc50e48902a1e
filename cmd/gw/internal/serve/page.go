package serve

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/pages"
)

// page answers a location whose content gw makes itself.
func (x *exchange) page(pg *pages.Page) {
	switch pg.Kind {
	case pages.CheckStatus:
		x.checkStatus(pg)
	case pages.GWStatus:
		x.gwStatus(pg)
	default:
		// The page exists in the configuration but not yet here.
		x.sendError(fasthttp.StatusNotFound, 0)
	}
}
