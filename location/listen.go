package location

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
)

// port is every address listened on for one port number and address family
// (nginx's ngx_http_conf_port_t): 0.0.0.0:80 and [::]:80 are separate ports,
// each with its own wildcard.
type port struct {
	addrs []*listenAddr // in order of first appearance
}

// portKey identifies a port: family and number.
type portKey struct {
	v6   bool
	port uint16
}

// listenAddr gathers the listen directives for one ip:port (nginx's
// ngx_http_conf_addr_t) before it is compiled into an Address.
type listenAddr struct {
	ap      netip.AddrPort
	servers []*conf.Server // in the order they listen here; servers[0] is the implicit default
	def     *conf.Server   // the server with default_server, if any
	opts    *conf.Listen   // the listen that set socket options, if any
	ssl     bool
}

// bind reports whether nginx binds this address with its own socket even
// when the port has a wildcard: it does for an address with options that
// only a separate socket can carry (ngx_http_core_listen sets lsopt.bind
// with backlog= and reuseport, among others).
func (la *listenAddr) bind() bool {
	return la.opts != nil
}

// collectPorts groups every listen directive by port and address, in the
// order of first appearance, applying nginx's checks from
// ngx_http_add_addresses in its order: a server listening twice on one
// address, listen options given twice for one address, two default servers
// for one address.
func collectPorts(servers []*conf.Server) ([]*port, error) {
	var ports []*port
	byKey := map[portKey]*port{}
	byAddr := map[netip.AddrPort]*listenAddr{}
	for _, srv := range servers {
		if srv == nil {
			continue
		}
		for i := range srv.Listens {
			l := &srv.Listens[i]
			ap, err := parseListen(l)
			if err != nil {
				return nil, err
			}
			la := byAddr[ap]
			if la == nil {
				la = &listenAddr{ap: ap}
				byAddr[ap] = la
				key := portKey{v6: !ap.Addr().Is4(), port: ap.Port()}
				p := byKey[key]
				if p == nil {
					p = &port{}
					byKey[key] = p
					ports = append(ports, p)
				}
				p.addrs = append(p.addrs, la)
			}
			if err := la.add(srv, l); err != nil {
				return nil, err
			}
		}
	}
	return ports, nil
}

// add records one listen directive of srv on la.
func (la *listenAddr) add(srv *conf.Server, l *conf.Listen) error {
	text := la.ap.String()
	if slices.Contains(la.servers, srv) {
		return &parser.Error{Pos: l.Pos, Msg: "a duplicate listen " + text}
	}
	la.servers = append(la.servers, srv)
	if l.ReusePort || l.Backlog > 0 {
		// nginx refuses a second listen with options for one address even
		// when the options are the same.
		if la.opts != nil {
			return &parser.Error{Pos: l.Pos, Msg: "duplicate listen options for " + text}
		}
		la.opts = l
	}
	if l.DefaultServer {
		if la.def != nil {
			return &parser.Error{Pos: l.Pos, Msg: "a duplicate default server for " + text}
		}
		la.def = srv
	}
	// One listen with ssl makes the whole address ssl, as in nginx.
	la.ssl = la.ssl || l.SSL
	return nil
}

// parseListen parses conf's normalised address. conf resolves host names;
// "*:80" is accepted as 0.0.0.0:80 in case it reaches here unnormalised.
func parseListen(l *conf.Listen) (netip.AddrPort, error) {
	addr := l.Addr
	if rest, ok := strings.CutPrefix(addr, "*:"); ok {
		addr = "0.0.0.0:" + rest
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return netip.AddrPort{}, &parser.Error{Pos: l.Pos, Msg: `host not found in "` + l.Addr + `" of the "listen" directive`}
	}
	return ap, nil
}
