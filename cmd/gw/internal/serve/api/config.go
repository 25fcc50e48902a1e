package api

import "github.com/valyala/fasthttp"

// serveConfig answers /api/v1/configuration and /api/v1/transactions and
// everything under them: the versioned configuration and its
// transactions, not built yet.
func (a *API) serveConfig(r *request) {
	writeError(r.ctx, fasthttp.StatusNotFound, "not implemented")
}
