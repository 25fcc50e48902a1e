package serve

import (
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/statuspage"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/sticky"
)

// gwStatus answers a gw_status location: the status page as HTML, or its
// data as ?format=json or ?format=csv, never from a cache: it is read to
// see the present.
func (x *exchange) gwStatus(pg *pages.Page) {
	ctx := x.ctx
	st := statusOf(x.rt.server.Snapshot(), x.rt, time.Now(), x.st.ServerTokens)
	st.Refresh = pg.Refresh
	b := x.buf[:0]
	switch string(ctx.QueryArgs().Peek("format")) {
	case "json":
		ctx.Response.Header.SetContentType("application/json")
		b = statuspage.AppendJSON(b, st)
	case "csv":
		ctx.Response.Header.SetContentType("text/csv; charset=utf-8")
		b = statuspage.AppendCSV(b, st)
	default:
		ctx.Response.Header.SetContentType("text/html; charset=utf-8")
		b = statuspage.AppendHTML(b, st)
	}
	x.buf = b
	ctx.Response.Header.Set(fasthttp.HeaderCacheControl, "no-cache")
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.Response.SetBody(b)
}

// statusOf turns a snapshot into the status page's data, with gw's
// version only when tokens (server_tokens) allows; rt is the runtime the
// sticky sids are read from.
func statusOf(s Snapshot, rt *runtime, now time.Time, tokens bool) *statuspage.Status {
	st := &statuspage.Status{
		Generation: s.Generation, Time: now, StartedAt: s.StartedAt,
		UptimeSeconds: int64(now.Sub(s.StartedAt) / time.Second),
		Reloads:       s.Reloads, FailedReloads: s.FailedReloads,
		Connections: statuspage.Connections{
			Active: s.Connections, Accepted: s.Accepted,
			Reading: s.Reading, Writing: s.Writing, Waiting: s.Waiting, Parked: s.Parked,
		},
		Requests:  countsOf(s.Requests),
		Listeners: []statuspage.Listener{}, Servers: []statuspage.ServerBlock{}, Upstreams: []statuspage.Upstream{},
	}
	if tokens {
		st.Version = s.Version
	}
	if !s.ReloadedAt.IsZero() {
		t := s.ReloadedAt
		st.ReloadedAt = &t
	}
	for _, l := range s.Listeners {
		st.Listeners = append(st.Listeners, statuspage.Listener{
			Address: l.Addr, Accepted: l.Accepted, Active: l.Active, Counts: countsOf(l.RequestCounts),
		})
	}
	for _, b := range s.ServerBlocks {
		listen := b.Listen
		if listen == nil {
			listen = []string{}
		}
		st.Servers = append(st.Servers, statuspage.ServerBlock{Name: b.Name, Listen: listen, Counts: countsOf(b.RequestCounts)})
	}
	var sids map[string][]string
	if s.Generation == rt.gen {
		// During a reload the snapshot may already show the next
		// configuration, whose servers this runtime's sids do not name.
		sids = stickySIDs(rt)
	}
	for i := range s.Upstreams {
		u := &s.Upstreams[i]
		st.Upstreams = append(st.Upstreams, statuspage.UpstreamOf(u, sids[u.Name]))
	}
	return st
}

// stickySIDs returns the cookie values of the servers of every upstream
// with session_sticky, by upstream name, in peer order. They are computed
// here rather than kept: the page is read now and then, and an md5 per
// server costs nothing beside rendering it.
func stickySIDs(rt *runtime) map[string][]string {
	out := map[string][]string{}
	for _, up := range rt.upstream.Upstreams() {
		cfg := up.Conf.Sticky
		if cfg == nil {
			continue
		}
		sids := make([]string, len(up.Peers))
		for i, p := range up.Peers {
			sids[i] = sticky.SID(cfg, p.Addr, p.Server.ID)
		}
		out[up.Conf.Name] = sids
	}
	return out
}

func countsOf(c RequestCounts) statuspage.Counts {
	return statuspage.Counts{Requests: c.Requests, Responses: statuspage.ResponsesOf(c.Responses)}
}
