package serve

import (
	"github.com/gw-proxy/gw/conf/pages"
)

// page answers a location whose content gw makes itself.
func (x *exchange) page(pg *pages.Page) {
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
