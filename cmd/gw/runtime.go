package main

import (
	"crypto/tls"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/location"
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
	logs     *accessLogs                  // shared with the gateway; nil under -t
	certs    map[*conf.Server]*tls.Config // per server with ssl_certificate
}

// eachSettings calls fn for the settings of every server and location of
// cfg, nested locations included.
func eachSettings(cfg *conf.Config, fn func(*conf.Settings)) {
	if cfg.HTTP == nil {
		return
	}
	var walk func(locs []*conf.Location)
	walk = func(locs []*conf.Location) {
		for _, l := range locs {
			fn(l.Settings)
			walk(l.Locations)
		}
	}
	for _, s := range cfg.HTTP.Servers {
		fn(s.Settings)
		walk(s.Locations)
	}
}

// compile builds the matchers of every server block. It binds nothing, so
// -t shares it: errors found here (duplicate locations, duplicate default
// servers) fail the test as they fail a reload.
func compile(cfg *conf.Config, gen uint64) (*runtime, error) {
	rt := &runtime{gen: gen, cfg: cfg, matchers: map[*conf.Server]*location.Matcher{}}
	if cfg.HTTP == nil {
		return rt, nil
	}
	router, err := location.NewRouter(cfg.HTTP.Servers)
	if err != nil {
		return nil, err
	}
	cfg.Warnings = append(cfg.Warnings, router.Warnings()...)
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
	return rt, nil
}

// loadRuntime is the shared first half of start-up, reload, -t and -s:
// parse, build, validate, compile.
func loadRuntime(opts conf.LoadOptions, gen uint64) (*runtime, error) {
	cfg, err := conf.Load(opts)
	if err != nil {
		return nil, err
	}
	return compile(cfg, gen)
}

// loadAndCompile is loadRuntime for the commands that only need the
// configuration (-t, -T, -s).
func loadAndCompile(opts conf.LoadOptions) (*conf.Config, error) {
	rt, err := loadRuntime(opts, 0)
	if err != nil {
		return nil, err
	}
	return rt.cfg, nil
}
