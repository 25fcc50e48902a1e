package serve

import (
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/api"
	"github.com/gw-proxy/gw/cmd/gw/internal/serve/statuspage"
	"github.com/gw-proxy/gw/conf/access"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/upstream"
)

// Server is the runtime API's view of the serving gw.
var _ api.Runtime = (*Server)(nil)

// runtimeAPI answers a gw_api location through the Server's API, with
// the user the request authenticated as.
func (x *exchange) runtimeAPI(pg *pages.Page) {
	if x.rt.server == nil {
		x.sendError(fasthttp.StatusServiceUnavailable, 0)
		return
	}
	x.rt.server.api.Serve(x.ctx, x.authenticatedUser(), pg)
}

// authenticatedUser is the user name of the request's basic credentials
// when this location checks them and they are right, "" otherwise. It is
// not $remote_user, which is whatever the client sent: under `satisfy
// any` an allowed address gets in with any credentials, and the audit
// lines must not name a user nobody proved to be. The password is checked
// a second time (the access phase keeps no verdict, to cost the proxy
// path nothing); the API is not a hot path.
func (x *exchange) authenticatedUser() string {
	a := &x.st.Access
	if a.Realm == nil || a.UserFile == nil {
		return ""
	}
	if string(a.Realm.Append(x.buf[:0], &x.vars)) == "off" {
		return ""
	}
	cred, n, ok := x.vars.AppendBasicCredentials(x.buf[:0])
	if !ok {
		return ""
	}
	defer clear(cred)
	if a.UserFile.Check(cred[:n], cred[n+1:]) != access.Match {
		return ""
	}
	return string(cred[:n])
}

// Status is the status page's data now, gw's version included (the API
// is an operator's tool; server_tokens hides the version from visitors).
func (g *Server) Status() *statuspage.Status {
	g.mu.Lock()
	rt := g.rt
	g.mu.Unlock()
	return statusOf(g.Snapshot(), rt, time.Now(), true)
}

// Peer returns the shared state of server key of upstream name in the
// configuration served: what the runtime API's overrides change.
func (g *Server) Peer(name, key string) (*upstream.PeerState, error) {
	g.mu.Lock()
	rt := g.rt
	g.mu.Unlock()
	for _, up := range rt.upstream.Upstreams() {
		if !strings.EqualFold(up.Conf.Name, name) {
			continue
		}
		if p := up.PeerByKey(key); p != nil {
			return p.State(), nil
		}
		return nil, fmt.Errorf("no server %q in upstream %q", key, up.Conf.Name)
	}
	return nil, fmt.Errorf("no upstream %q", name)
}

// ErrorLog is the error log in force, a copy: a reload replaces the
// Server's.
func (g *Server) ErrorLog() zerolog.Logger {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.log
}

// Check runs gw -t's checks (Check) on the configuration gw was started
// with, the files of overlay in place of those on disk: a runtime API
// commit is refused before anything is written when they fail.
func (g *Server) Check(overlay map[string][]byte) error {
	opts := g.opts
	opts.Overlay = overlay
	_, err := Check(opts)
	return err
}
