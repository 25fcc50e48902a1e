package conf

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// serverParams are the `name=value` parameters of an upstream server. Every
// bad value is nginx's `invalid parameter "ARG"`.
var serverParams = map[string]func(s *UpstreamServer, v string) bool{
	"weight": func(s *UpstreamServer, v string) bool {
		n, ok := value.Number(v)
		s.Weight = n
		return ok && n > 0
	},
	"max_fails": func(s *UpstreamServer, v string) bool {
		n, ok := value.Number(v)
		s.MaxFails = n
		return ok
	},
	"max_conns": func(s *UpstreamServer, v string) bool {
		n, ok := value.Number(v)
		s.MaxConns = n
		return ok
	},
	"fail_timeout": func(s *UpstreamServer, v string) bool {
		d, ok := value.Seconds(v)
		s.FailTimeout = d
		return ok
	},
	"id": func(s *UpstreamServer, v string) bool {
		// The id becomes a cookie value under hash=plain.
		s.ID = v
		return isCookieValue(v)
	},
}

// serverFlags are the bare-word parameters of an upstream server.
var serverFlags = map[string]func(s *UpstreamServer){
	"backup": func(s *UpstreamServer) { s.Backup = true },
	"down":   func(s *UpstreamServer) { s.Down = true },
	"drain":  func(s *UpstreamServer) { s.Drain = true },
}

// parseServer reads `server ADDR [params]` in an upstream and returns one
// UpstreamServer per address ADDR stands for. As in nginx the parameters
// are checked before the address; backup is checked against the balancer
// once the whole block is read (checkUpstream), so that the order of the
// directives does not matter.
func parseServer(d *parser.Directive) ([]*UpstreamServer, error) {
	proto := UpstreamServer{
		Pos: d.Pos, Name: d.Args[0].Value,
		Weight: 1, MaxFails: 1, FailTimeout: 10 * time.Second,
	}
	for _, a := range d.Args[1:] {
		name, value, hasValue := strings.Cut(a.Value, "=")
		if hasValue {
			if parse := serverParams[name]; parse != nil && parse(&proto, value) {
				continue
			}
		} else if set := serverFlags[name]; set != nil {
			set(&proto)
			continue
		}
		return nil, errorAt(a.Pos, "invalid parameter %q", a.Value)
	}
	addr := d.Args[0]
	host, ip, port, bad := address.SplitUpstream(addr.Value)
	if bad != "" {
		return nil, errorAt(addr.Pos, "%s in upstream %q", bad, addr.Value)
	}
	addrs, ok := address.Resolve(host, ip, port)
	if !ok {
		return nil, errorAt(addr.Pos, "host not found in upstream %q", addr.Value)
	}
	servers := make([]*UpstreamServer, len(addrs))
	for i, a := range addrs {
		s := proto
		s.Addr = a
		servers[i] = &s
	}
	return servers, nil
}

// isCookieValue reports whether v is a non-empty RFC 6265 cookie-value
// without quotes: no controls, spaces, '"', ',', ';' or '\'.
func isCookieValue(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}
