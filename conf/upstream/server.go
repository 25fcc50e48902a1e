package upstream

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Server is one address of a `server` directive in an upstream.
type Server struct {
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
	// Route is route= (nginx Plus): the server's name for sticky route
	// and the value of sticky cookie; "" when unset.
	Route string

	// SlowStart is slow_start= (nginx Plus's parameter): when the server
	// comes back after being down (its active check passes again, or its
	// fail_timeout ends), its weight ramps up from 1 to Weight over this
	// time instead of taking its full share at once. 0, the default,
	// disables it. As nginx Plus documents, hash, ip_hash and random refuse
	// it, and it means nothing when the upstream has one server. A backup
	// server may have one: nginx Plus documents no restriction there.
	SlowStart time.Duration
}

// serverParams are the `name=value` parameters of an upstream server. Every
// bad value is nginx's `invalid parameter "ARG"`.
var serverParams = map[string]func(s *Server, v string) bool{
	"weight": func(s *Server, v string) bool {
		n, ok := value.Number(v)
		s.Weight = n
		return ok && n > 0
	},
	"max_fails": func(s *Server, v string) bool {
		n, ok := value.Number(v)
		s.MaxFails = n
		return ok
	},
	"max_conns": func(s *Server, v string) bool {
		n, ok := value.Number(v)
		s.MaxConns = n
		return ok
	},
	"fail_timeout": func(s *Server, v string) bool {
		d, ok := value.Seconds(v)
		s.FailTimeout = d
		return ok
	},
	"slow_start": func(s *Server, v string) bool {
		d, ok := value.Seconds(v)
		s.SlowStart = d
		return ok
	},
	"id": func(s *Server, v string) bool {
		// The id becomes a cookie value under hash=plain.
		s.ID = v
		return isCookieValue(v)
	},
	"route": func(s *Server, v string) bool {
		// The route becomes sticky cookie's value.
		s.Route = v
		return isCookieValue(v)
	},
}

// serverFlags are the bare-word parameters of an upstream server.
var serverFlags = map[string]func(s *Server){
	"backup": func(s *Server) { s.Backup = true },
	"down":   func(s *Server) { s.Down = true },
	"drain":  func(s *Server) { s.Drain = true },
}

// AddServer reads `server ADDR [params]` and adds one Server per address
// ADDR stands for. As in nginx the parameters are checked before the
// address; backup is checked against the balancer once the whole block is
// read (Check), so that the order of the directives does not matter.
func (u *Config) AddServer(d *parser.Directive) error {
	servers, err := parseServer(d)
	if err != nil {
		return err
	}
	u.Servers = append(u.Servers, servers...)
	return nil
}

// parseServer reads one server directive into its Servers.
func parseServer(d *parser.Directive) ([]*Server, error) {
	proto := Server{
		Pos: d.Pos, Name: d.Args[0].Value,
		Weight: 1, MaxFails: 1, FailTimeout: 10 * time.Second,
	}
	for _, a := range d.Args[1:] {
		name, v, hasValue := strings.Cut(a.Value, "=")
		if hasValue {
			if parse := serverParams[name]; parse != nil && parse(&proto, v) {
				continue
			}
		} else if set := serverFlags[name]; set != nil {
			set(&proto)
			continue
		}
		return nil, parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
	}
	addr := d.Args[0]
	host, ip, port, bad := address.SplitUpstream(addr.Value)
	if bad != "" {
		return nil, parser.Errorf(addr.Pos, "%s in upstream %q", bad, addr.Value)
	}
	addrs, ok := address.Resolve(host, ip, port)
	if !ok {
		return nil, parser.Errorf(addr.Pos, "host not found in upstream %q", addr.Value)
	}
	servers := make([]*Server, len(addrs))
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
