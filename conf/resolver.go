package conf

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// resolverDirectives are nginx's run-time name resolution: what a
// proxy_pass with variables asks when its host is neither an upstream nor
// an address.
var resolverDirectives = []directive{
	{name: "resolver", ctx: ctxHSL, args: atLeast(1), set: resolverSetter},
	{name: "resolver_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ResolverTimeout })},
}

// defaultResolverTimeout is nginx's resolver_timeout.
const defaultResolverTimeout = 30 * time.Second

// dnsPort is the port of a resolver address written without one.
const dnsPort = 53

// Resolver is the `resolver` directive: the name servers asked at run time
// and how long their answers are kept.
type Resolver struct {
	Pos parser.Pos
	// Addrs are the name servers as ip:port, in order; a name written
	// there is resolved when the configuration is loaded, as nginx does.
	Addrs []string
	// Valid overrides the answers' TTL (valid=); 0 keeps the TTL.
	Valid time.Duration
	// IPv4 and IPv6 say which address families are looked up (ipv4=,
	// ipv6=; both on by default, as in nginx since 1.5.8).
	IPv4, IPv6 bool
	// StatusZone is status_zone=, accepted and unused: gw's status pages
	// do not count resolver requests.
	StatusZone string
}

// resolverSetter reads `resolver address ... [valid=time] [ipv4=on|off]
// [ipv6=on|off] [status_zone=zone]` with ngx_resolver_create's messages.
func resolverSetter(_ *builder, d *parser.Directive) (func(*Settings), error) {
	r := &Resolver{Pos: d.Pos, IPv4: true, IPv6: true}
	for _, a := range d.Args {
		v := a.Value
		switch {
		case strings.HasPrefix(v, "valid="):
			t, ok := value.Seconds(v[len("valid="):])
			if !ok {
				return nil, errorAt(a.Pos, "invalid parameter: %s", v)
			}
			r.Valid = t
		case strings.HasPrefix(v, "ipv4="), strings.HasPrefix(v, "ipv6="):
			on, ok := map[string]bool{"on": true, "off": false}[v[len("ipv4="):]]
			if !ok {
				return nil, errorAt(a.Pos, "invalid parameter: %s", v)
			}
			if v[3] == '4' {
				r.IPv4 = on
			} else {
				r.IPv6 = on
			}
		case strings.HasPrefix(v, "status_zone="):
			r.StatusZone = v[len("status_zone="):]
		default:
			addrs, err := resolverAddress(a)
			if err != nil {
				return nil, err
			}
			r.Addrs = append(r.Addrs, addrs...)
		}
	}
	if !r.IPv4 && !r.IPv6 {
		return nil, errorAt(d.Pos, "\"ipv4\" and \"ipv6\" cannot both be \"off\"")
	}
	return func(s *Settings) { s.Resolver = r }, nil
}

// resolverAddress reads one name server: an address or a name, with port
// 53 by default; every address a name resolves to is asked.
func resolverAddress(a parser.Arg) ([]string, error) {
	host, ip, port, reason := address.SplitUpstream(a.Value)
	if reason != "" {
		return nil, errorAt(a.Pos, "%s in resolver %q", reason, a.Value)
	}
	if _, _, hasPort := address.SplitHostPort(a.Value); !hasPort {
		port = dnsPort
	}
	addrs, ok := address.Resolve(host, ip, port)
	if !ok {
		return nil, errorAt(a.Pos, "host not found in resolver %q", a.Value)
	}
	return addrs, nil
}
