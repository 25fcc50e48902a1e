package conf

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Upstream is one `upstream NAME { }` block: its servers, how a new request
// picks one, the idle connection cache and the session_sticky settings.
type Upstream struct {
	Pos  parser.Pos // the upstream directive
	Name string     // as written; nginx compares names case-insensitively

	// Servers has one entry per address: a server named by a host name that
	// resolves to several IPs appears once per IP, in the order nginx uses
	// (IPv4 first), all with the same Pos and Name.
	Servers []*UpstreamServer

	Balancer Balancer

	// Keepalive is the number of idle connections kept per worker (`keepalive
	// N`); 0 means connections to this upstream are not reused.
	Keepalive         int
	KeepaliveTimeout  time.Duration // idle time before a cached connection is closed; nginx's 60s
	KeepaliveRequests int           // requests per connection before it is closed; nginx's 1000

	// Sticky is the session_sticky directive, nil when there is none. It
	// never replaces Balancer: first visits and fallbacks still use it.
	Sticky *sticky.Config
}

// The nginx defaults of an upstream's keepalive settings.
const (
	defaultUpstreamKeepaliveTimeout  = 60 * time.Second
	defaultUpstreamKeepaliveRequests = 1000
)

// UpstreamServer is one address of a `server` directive in an upstream.
type UpstreamServer struct {
	Pos  parser.Pos // the server directive
	Name string     // the address as written: "backend:8080", "127.0.0.1"

	// Addr is the resolved address, "ip:port" or "[ipv6]:port", with nginx's
	// default port 80 applied. It is the text session_sticky hashes into the
	// server's sid, so it must match what Tengine computes.
	Addr string

	Weight      int           // at least 1; default 1
	MaxFails    int           // 0 disables passive failure accounting; default 1
	FailTimeout time.Duration // default 10s
	MaxConns    int           // 0 means unlimited
	Backup      bool
	Down        bool
	Drain       bool   // takes no new sessions, keeps serving its sticky clients [gw]
	ID          string // id=, the sid under session_sticky hash=plain; "" when unset
}

// BalancerKind is the load-balancing method of an upstream.
type BalancerKind uint8

// The balancers gw has.
const (
	RoundRobin BalancerKind = iota // nginx's smooth weighted round robin, the default
	LeastConn                      // least_conn
	IPHash                         // ip_hash
	Hash                           // hash KEY [consistent]
	Random                         // random [two]
)

// String returns the directive that selects the balancer.
func (k BalancerKind) String() string {
	switch k {
	case LeastConn:
		return "least_conn"
	case IPHash:
		return "ip_hash"
	case Hash:
		return "hash"
	case Random:
		return "random"
	}
	return "round robin"
}

// Balancer is an upstream's load-balancing method and its parameters.
type Balancer struct {
	Pos        parser.Pos // the balancer directive; zero for the default round robin
	Kind       BalancerKind
	Key        *vars.Template // hash KEY
	Consistent bool           // hash KEY consistent (ketama)
	Two        bool           // random two: the less loaded of two random picks
}

// supportsBackup reports whether the balancer can have backup servers; nginx
// refuses them with hash, ip_hash and random, whose picks must not depend on
// which servers happen to be up.
func (b Balancer) supportsBackup() bool {
	return b.Kind == RoundRobin || b.Kind == LeastConn
}

// Upstream returns the upstream called name, compared case-insensitively as
// nginx does, or nil.
func (h *HTTP) Upstream(name string) *Upstream {
	for _, u := range h.Upstreams {
		if strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}
