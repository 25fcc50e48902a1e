package serve

import (
	"crypto/tls"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/location"
	"github.com/gw-proxy/gw/upstream/health"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/proxy"
)

// runtime is one configuration compiled for serving: immutable once built
// and swapped as a whole on reload, so a request sees one configuration from
// start to end.
type runtime struct {
	gen      uint64
	cfg      *conf.Config
	router   *location.Router
	sockets  []location.Socket
	matchers map[*conf.Server]*location.Matcher
	proxies  map[*conf.Location]*proxy.Proxy // locations with proxy_pass
	upstream *proxy.Builder                  // committed once the runtime serves
	logs     map[string]*accessWriter        // access_log files by path; nil under -t
	certs    map[*conf.Server]*tls.Config    // per server with ssl_certificate
	log      zerolog.Logger                  // the configuration's error_log
	logFile  *logFile                        // the file log writes to
	server   *Server                         // the Server it runs in, for the pages' snapshots; nil under -t
	total    *requestStats                   // the process's request counters; nil under -t
	blocks   map[*conf.Server]*requestStats  // each server block's, kept across reloads
	stopped  bool                            // its files were given back (under Server.mu)
}

// eachLocation calls fn for every location of cfg, nested ones and the
// if blocks of each (conf.Location.Branches) included, with the server
// that holds it.
func eachLocation(cfg *conf.Config, fn func(*conf.Server, *conf.Location)) {
	if cfg.HTTP == nil {
		return
	}
	var walk func(s *conf.Server, locs []*conf.Location)
	walk = func(s *conf.Server, locs []*conf.Location) {
		for _, l := range locs {
			fn(s, l)
			for _, br := range l.Branches {
				fn(s, br)
			}
			walk(s, l.Locations)
		}
	}
	for _, s := range cfg.HTTP.Servers {
		walk(s, s.Locations)
	}
}

// eachSettings calls fn for the settings of every server and location.
func eachSettings(cfg *conf.Config, fn func(*conf.Settings)) {
	if cfg.HTTP == nil {
		return
	}
	for _, s := range cfg.HTTP.Servers {
		fn(s.Settings)
	}
	eachLocation(cfg, func(_ *conf.Server, l *conf.Location) { fn(l.Settings) })
}

// compile builds the matchers of every server block and the proxies of
// every location with proxy_pass. It binds nothing, so -t shares it: errors
// found here (a server name the name tables cannot hold, bad certificates,
// unusable upstreams) fail the test as they fail a reload.
// shared carries the connection pools and peer state that outlive a
// runtime; under -t they are fresh and thrown away. session_sticky is
// compiled here too (sids, cookie parts), so -t reports its errors.
func compile(cfg *conf.Config, gen uint64, shared proxy.Options) (*runtime, error) {
	shared.Persistence = persist.For(shared.Zones, &shared.Log)
	rt := &runtime{gen: gen, cfg: cfg, log: shared.Log, matchers: map[*conf.Server]*location.Matcher{},
		proxies: map[*conf.Location]*proxy.Proxy{}, upstream: proxy.NewBuilder(shared)}
	if cfg.HTTP == nil {
		return rt, nil
	}
	router, err := location.NewRouter(cfg.HTTP.Servers)
	if err != nil {
		return nil, err
	}
	rt.router = router
	rt.sockets = router.Sockets()
	if rt.certs, err = loadCertificates(cfg); err != nil {
		return nil, err
	}
	for _, s := range cfg.HTTP.Servers {
		m, err := location.Compile(s)
		if err != nil {
			return nil, err
		}
		rt.matchers[s] = m
	}
	eachLocation(cfg, func(_ *conf.Server, l *conf.Location) {
		if err != nil {
			return
		}
		var p *proxy.Proxy
		if p, err = rt.upstream.Proxy(l); p != nil {
			rt.proxies[l] = p
		}
	})
	return rt, err
}

// Check is the first half of start-up and reload for the commands that
// only need the configuration (-t, -T, -s): parse, build, check, compile;
// nothing it builds is kept, no socket is bound.
func Check(opts conf.LoadOptions) (*conf.Config, error) {
	cfg, err := conf.Load(opts)
	if err != nil {
		return nil, err
	}
	rt, err := compile(cfg, 0, proxy.Options{})
	if err != nil {
		return nil, err
	}
	return rt.cfg, nil
}

// start takes the runtime into service once its sockets are bound: the
// peer state and connection pools of the servers it keeps are taken over,
// those of servers it dropped are released (and with them their
// background tasks), and the active health checks become this runtime's.
func (rt *runtime) start(checks *health.Checks) {
	rt.upstream.Commit()
	checks.Apply(rt.checkTargets())
}

// checkTargets lists the servers of every upstream with a `check`, each
// with the runtime's error log for its transitions.
func (rt *runtime) checkTargets() []health.Target {
	var targets []health.Target
	for _, u := range rt.upstream.Upstreams() {
		if u.Conf.Check == nil {
			continue
		}
		for _, p := range u.Peers {
			targets = append(targets, health.Target{
				State: p.State(), Upstream: u.Name(), Addr: p.Addr, Check: u.Conf.Check, Log: &rt.log,
			})
		}
	}
	return targets
}
