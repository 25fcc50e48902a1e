package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/upstream"
)

// serverPatch is the body of PATCH .../servers/{key}: HAProxy's `set
// server B/S state ready|drain|maint` and `set weight B/S N`. A field left
// out (or null) is left as it is.
type serverPatch struct {
	// State is the operator's override: ready, drain, maint, or config
	// to follow the configuration again (upstream.ParseAdmin).
	State *string `json:"state"`
	// Weight overrides the configured weight; 0 clears the override.
	Weight *int `json:"weight"`
}

// maxWeight bounds an operator's weight as nginx's int weight is bounded:
// round robin sums the weights of an upstream, which must not overflow.
const maxWeight = math.MaxInt32

// serveServer answers GET and PATCH of one server.
func (a *API) serveServer(r *request) {
	if !r.allow(fasthttp.MethodGet, fasthttp.MethodHead, fasthttp.MethodPatch) {
		return
	}
	name, key := r.path[1], r.path[3]
	if r.method == fasthttp.MethodPatch {
		a.patchServer(r, name, key)
		return
	}
	a.writeServer(r, fasthttp.StatusOK, name, key)
}

// writeServer answers the server's state now, or 404.
func (a *API) writeServer(r *request, status int, name, key string) {
	u := findUpstream(a.rt.Status().Upstreams, name)
	if u == nil {
		writeError(r.ctx, fasthttp.StatusNotFound, "no upstream %q", name)
		return
	}
	s := findServer(u, key)
	if s == nil {
		writeError(r.ctx, fasthttp.StatusNotFound, "no server %q in upstream %q", key, u.Name)
		return
	}
	writeJSON(r.ctx, status, s)
}

// patchServer applies a serverPatch: both fields are checked before
// either is applied, so a refused request changes nothing.
func (a *API) patchServer(r *request, name, key string) {
	st, err := a.rt.Peer(name, key)
	if err != nil {
		writeError(r.ctx, fasthttp.StatusNotFound, "%s", err.Error())
		return
	}
	var p serverPatch
	if !readJSON(r, &p) {
		return
	}
	if p.State == nil && p.Weight == nil {
		writeError(r.ctx, fasthttp.StatusBadRequest, `nothing to change: give "state", "weight" or both`)
		return
	}
	var admin upstream.Admin
	if p.State != nil {
		if admin, err = upstream.ParseAdmin(*p.State); err != nil {
			writeError(r.ctx, fasthttp.StatusBadRequest, "%s", err.Error())
			return
		}
	}
	if p.Weight != nil {
		if msg := a.weightRefused(name, *p.Weight); msg != "" {
			writeError(r.ctx, fasthttp.StatusBadRequest, "%s", msg)
			return
		}
	}
	if p.State != nil {
		was := st.Admin()
		st.SetAdmin(admin)
		a.audit(r, "set upstream %s server %s state %s (was %s)", name, key, admin, was)
	}
	if p.Weight != nil {
		was := st.WeightOverride()
		_ = st.SetWeight(*p.Weight) // checked by weightRefused
		a.audit(r, "set upstream %s server %s weight %s (was %s)", name, key, weightWord(*p.Weight), weightWord(was))
	}
	a.writeServer(r, fasthttp.StatusOK, name, key)
}

// weightRefused says why weight cannot be the weight of upstream name's
// servers, "" when it can. The hash balancers and plain random keep the
// configured weights (upstream.PeerState.SetWeight says why); accepting
// a weight they would ignore would mislead, so it is refused, as HAProxy
// refuses `set weight` on a static map.
func (a *API) weightRefused(name string, w int) string {
	if w < 0 || w > maxWeight {
		return "weight " + strconv.Itoa(w) + ": must be 0 (back to the configured weight) to " + strconv.Itoa(maxWeight)
	}
	if u := a.upstreamConf(name); u != nil {
		b := u.Balancer
		if b.Kind == upstreamconf.IPHash || b.Kind == upstreamconf.Hash || (b.Kind == upstreamconf.Random && !b.Two) {
			if w == 0 {
				return "" // clearing an override is always possible
			}
			return "upstream " + strconv.Quote(u.Name) + " balances with " + balancerWords(b) +
				", which keeps the configured weights: change them in the configuration"
		}
	}
	return ""
}

// upstreamConf returns the configuration of upstream name, nil if none.
func (a *API) upstreamConf(name string) *upstreamconf.Config {
	cfg := a.rt.Config()
	if cfg == nil || cfg.HTTP == nil {
		return nil
	}
	for _, u := range cfg.HTTP.Upstreams {
		if strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}

// balancerWords is the balancer's directive as written.
func balancerWords(b upstreamconf.Balancer) string {
	if b.Kind == upstreamconf.Hash && b.Consistent {
		return "hash ... consistent"
	}
	return b.Kind.String()
}

// weightWord is a weight override in the audit line: "config" for none.
func weightWord(w int) string {
	if w == 0 {
		return "config"
	}
	return strconv.Itoa(w)
}
