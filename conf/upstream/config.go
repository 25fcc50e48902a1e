package upstream

import (
	"time"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/parser"
)

// Config is one `upstream NAME { }` block: its servers, how a new request
// picks one, the idle connection cache, the session_sticky settings and
// the active health check.
type Config struct {
	Pos  parser.Pos // the upstream directive
	Name string     // as written; nginx compares names case-insensitively

	// Servers has one entry per address: a server named by a host name that
	// resolves to several IPs appears once per IP, in the order nginx uses
	// (IPv4 first), all with the same Pos and Name.
	Servers []*Server

	Balancer Balancer

	// Keepalive is the number of idle connections kept per worker (`keepalive
	// N`); 0 means connections to this upstream are not reused.
	Keepalive         int
	KeepaliveTimeout  time.Duration // idle time before a cached connection is closed; nginx's 60s
	KeepaliveRequests int           // requests per connection before it is closed; nginx's 1000

	// Sticky is the session_sticky directive (or nginx Plus's sticky
	// cookie), nil when there is none. It never replaces Balancer: first
	// visits and fallbacks still use it.
	Sticky *sticky.Config
	// Learn and Route are nginx Plus's sticky learn and sticky route, nil
	// when absent. An upstream has at most one of Sticky, Learn, Route.
	Learn *Learn
	Route *Route
	// Store is sticky_store, nil when the learned sessions stay in this
	// process.
	Store *Store

	// Check is the active health check (Tengine's check directive and its
	// check_* companions), nil when the block has no check directive.
	Check *check.Config

	// Queue is nginx Plus's queue directive, nil when there is none: then
	// a request that finds its servers full moves on or fails, as nginx.
	Queue *Queue

	checks check.Block // the check directives met, until Validate sets Check

	stickyWarnings []sticky.Warning // what gw -t says about session_sticky
}

// The nginx defaults of an upstream's keepalive settings.
const (
	defaultKeepaliveTimeout  = 60 * time.Second
	defaultKeepaliveRequests = 1000
)

// New starts the upstream block NAME at pos, with nginx's defaults for what
// the block does not say.
func New(pos parser.Pos, name string) *Config {
	return &Config{
		Pos: pos, Name: name,
		KeepaliveTimeout:  defaultKeepaliveTimeout,
		KeepaliveRequests: defaultKeepaliveRequests,
	}
}

// SetSticky reads session_sticky. The walker has already refused a second
// one (`"session_sticky" directive is duplicate`).
func (u *Config) SetSticky(d *parser.Directive) error {
	if u.Sticky != nil || u.Learn != nil || u.Route != nil {
		return parser.Errorf(d.Pos, "%q directive is duplicate", d.Name)
	}
	s, err := sticky.Parse(d)
	if err != nil {
		return err
	}
	u.Sticky = s
	u.stickyWarnings = sticky.Warnings(d, s)
	return nil
}

// WarnSticky reports with warn gw -t's warnings about the block's
// session_sticky, settings that do nothing there: conf calls it once the
// configuration is read.
func (u *Config) WarnSticky(warn func(pos parser.Pos, format string, args ...any)) {
	for _, w := range u.stickyWarnings {
		warn(w.Pos, "%s", w.Msg)
	}
}

// ReadCheck reads check, check_http_send, check_http_expect_alive,
// check_http_expect_body or check_keepalive_requests; Validate sets Check
// from them once the block is read, so that their order does not matter.
func (u *Config) ReadCheck(d *parser.Directive) error { return u.checks.Read(d) }
