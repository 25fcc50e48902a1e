package upstream

import (
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

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

// supportsBackup reports whether the balancer can have backup servers, and
// servers with slow_start; nginx refuses both with hash, ip_hash and
// random, whose picks must not depend on which servers happen to be up.
func (b Balancer) supportsBackup() bool {
	return b.Kind == RoundRobin || b.Kind == LeastConn
}

// SetBalancer reads the balancer directive of kind k (least_conn,
// ip_hash, hash, random). An upstream has one balancer: nginx warns and
// keeps the last one, gw refuses the second, which is never what the
// operator meant. template parses hash's key within the configuration's
// variables (its map and set variables, declared anywhere in the file);
// nil is value.Template, the built-in ones.
func (u *Config) SetBalancer(k BalancerKind, d *parser.Directive, template value.Templater) error {
	if u.Balancer.Kind != RoundRobin {
		return parser.Errorf(d.Pos, "load balancing method redefined")
	}
	if template == nil {
		template = value.Template
	}
	bal, err := parseBalancer(k, d, template)
	if err != nil {
		return err
	}
	u.Balancer = bal
	return nil
}

// parseBalancer reads the arguments of hash and random; least_conn and
// ip_hash take none.
func parseBalancer(k BalancerKind, d *parser.Directive, template value.Templater) (Balancer, error) {
	bal := Balancer{Pos: d.Pos, Kind: k}
	var extra []parser.Arg
	switch k {
	case Hash:
		key, err := template(d.Args[0])
		if err != nil {
			return bal, err
		}
		bal.Key = key
		if len(d.Args) == 2 && d.Args[1].Value == "consistent" {
			bal.Consistent = true
		} else {
			extra = d.Args[1:]
		}
	case Random:
		// `random two least_conn`: nginx's only method for choosing between
		// the two picks, and its default.
		if len(d.Args) > 0 && d.Args[0].Value == "two" {
			bal.Two = true
			if len(d.Args) == 1 || d.Args[1].Value == "least_conn" {
				break
			}
			extra = d.Args[1:]
		} else {
			extra = d.Args
		}
	}
	if len(extra) > 0 {
		return bal, parser.Errorf(extra[0].Pos, "invalid parameter %q", extra[0].Value)
	}
	return bal, nil
}
