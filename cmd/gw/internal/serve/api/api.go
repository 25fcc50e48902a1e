package api

import (
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/statuspage"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/upstream"
)

// Runtime is what the API needs of the serving gw; serve.Server
// implements it.
type Runtime interface {
	// Status is the status page's data at this moment (gw_status's
	// ?format=json), upstream servers with their keys, states,
	// overrides and counters.
	Status() *statuspage.Status
	// Peer returns the run-time state of the server whose key is server
	// (upstream.Upstream.Key) in the upstream named name (case ignored,
	// as nginx compares upstream names). Its error says which of the two
	// does not exist in the configuration served; there is no other.
	Peer(name, server string) (*upstream.PeerState, error)
	// Config is the configuration being served.
	Config() *conf.Config
	// Reload loads the configuration file again and swaps it in, as
	// SIGHUP does, and returns why it failed (the running configuration
	// then keeps serving).
	Reload() error
	// ErrorLog is the error log in force.
	ErrorLog() zerolog.Logger
	// Check runs gw -t's checks on the configuration with the files of
	// overlay (texts by absolute path) in place of those on disk, binding
	// nothing: what a commit must pass before it writes anything.
	Check(overlay map[string][]byte) error
}

// Prefix is where the API's paths start, whatever location serves it:
// `location /api/ { gw_api; }` is the usual one.
const Prefix = "/api/v1/"

// API answers the runtime API's requests of one serving gw. It outlives
// reloads, so what it keeps between requests (transactions) survives
// them. It is safe for concurrent use.
type API struct {
	rt  Runtime
	txs transactions
	// commitMu serialises commits, and the reading of a version with the
	// files it belongs to.
	commitMu sync.Mutex
	now      func() time.Time // the clock transactions expire by; tests set it
}

// New returns the API of rt.
func New(rt Runtime) *API {
	return &API{rt: rt, now: time.Now}
}

// Serve answers one request of a gw_api location. user is the name the
// request authenticated as with basic authentication, "" when it did not
// (the location may let it in by address): it is what the audit lines
// name. pg is the location's gw_api directive.
func (a *API) Serve(ctx *fasthttp.RequestCtx, user string, pg *pages.Page) {
	r, ok := newRequest(ctx, user, pg)
	if !ok {
		writeError(ctx, fasthttp.StatusNotFound, "no such resource: the API's paths start with %s", Prefix)
		return
	}
	a.route(r)
}

// route sends a request to the handler of its first path segment.
func (a *API) route(r *request) {
	if len(r.path) == 0 {
		a.serveIndex(r)
		return
	}
	switch r.path[0] {
	case "upstreams":
		a.serveUpstreams(r)
	case "configuration", "transactions":
		a.serveConfig(r)
	default:
		r.notFound()
	}
}

// index lists the resources, so that GET /api/v1/ tells a newcomer where
// to look.
type index struct {
	Resources []string `json:"resources"`
}

func (a *API) serveIndex(r *request) {
	if !r.allow(fasthttp.MethodGet, fasthttp.MethodHead) {
		return
	}
	res := []string{"upstreams", "configuration", "transactions"}
	for i, name := range res {
		res[i] = Prefix + name
	}
	writeJSON(r.ctx, fasthttp.StatusOK, index{Resources: res})
}

// pathOf is the API path of segments, for messages.
func pathOf(segments []string) string {
	return Prefix + strings.Join(segments, "/")
}
