package api

import (
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/statuspage"
)

// The run-time resources, the status page's data for upstreams and their
// servers (statuspage.Upstream, statuspage.Server: the same JSON names as
// gw_status?format=json), addressed by upstream name and server key:
//
//	GET   /api/v1/upstreams
//	GET   /api/v1/upstreams/{name}
//	GET   /api/v1/upstreams/{name}/servers
//	GET   /api/v1/upstreams/{name}/servers/{key}
//	PATCH /api/v1/upstreams/{name}/servers/{key}   (server.go)
//
// They read and change the state gw runs with, not the configuration
// file: nothing here reloads.
func (a *API) serveUpstreams(r *request) {
	p := r.path
	switch {
	case len(p) == 4 && p[2] == "servers":
		a.serveServer(r)
		return
	case len(p) > 4, len(p) >= 3 && p[2] != "servers":
		r.notFound()
		return
	}
	if !r.allow(fasthttp.MethodGet, fasthttp.MethodHead) {
		return
	}
	ups := a.rt.Status().Upstreams
	if len(p) == 1 {
		writeJSON(r.ctx, fasthttp.StatusOK, ups)
		return
	}
	u := findUpstream(ups, p[1])
	switch {
	case u == nil:
		writeError(r.ctx, fasthttp.StatusNotFound, "no upstream %q", p[1])
	case len(p) == 2:
		writeJSON(r.ctx, fasthttp.StatusOK, u)
	default:
		writeJSON(r.ctx, fasthttp.StatusOK, u.Servers)
	}
}

// findUpstream returns the upstream named name, nil when none is; case is
// ignored, as nginx ignores it in upstream names.
func findUpstream(ups []statuspage.Upstream, name string) *statuspage.Upstream {
	for i := range ups {
		if strings.EqualFold(ups[i].Name, name) {
			return &ups[i]
		}
	}
	return nil
}

// findServer returns the server of u whose key is key, nil when none is.
func findServer(u *statuspage.Upstream, key string) *statuspage.Server {
	for i := range u.Servers {
		if u.Servers[i].Key == key {
			return &u.Servers[i]
		}
	}
	return nil
}
