package serve

import (
	"net/url"

	"github.com/gw-proxy/gw/upstream"
)

// learned returns the state of u's sticky learn zone, nil when it has
// none (or no session was learned into it yet by this runtime's build).
func (g *Server) learned(u *upstream.Upstream) *upstream.LearnedSnapshot {
	l := u.Conf.Learn
	if l == nil {
		return nil
	}
	t := g.zones.Table(l.Zone)
	if t == nil {
		return nil
	}
	st := t.Stats()
	ls := &upstream.LearnedSnapshot{Zone: l.Zone, Sessions: st.Sessions, Capacity: st.Capacity,
		Evicted: st.Evicted, Expired: st.Expired}
	if sh := g.zones.Shared(l.Zone); sh != nil {
		ls.Store, ls.StoreUp = redacted(sh.URL()), !sh.Down()
		ls.StoreDropped, ls.StoreFailures = sh.Dropped(), sh.Failures()
	}
	return ls
}

// redacted is a store URL without its password, for the status page.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
