package location

import (
	"net/netip"

	"github.com/gw-proxy/gw/conf"
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
	ap            netip.AddrPort
	servers       []*conf.Server // in the order they listen here; servers[0] is the implicit default
	def           *conf.Server   // the server with default_server, if any
	opts          *conf.Listen   // the listen that set socket options, if any
	ssl           bool
	proxyProtocol bool
}

// bind reports whether nginx binds this address with its own socket even
// when the port has a wildcard: it does for an address with options that
// only a separate socket can carry (ngx_http_core_listen sets lsopt.bind
// with backlog= and reuseport, among others).
func (la *listenAddr) bind() bool {
	return la.opts != nil
}

// collectPorts groups every listen directive by port and address, in the
// order of first appearance. conf has applied nginx's rules for listens
// that share an address (one listen per server, socket options and
// default_server on one listen at most), so an address gets what its
// listens say without a check here.
func collectPorts(servers []*conf.Server) []*port {
	var ports []*port
	byKey := map[portKey]*port{}
	byAddr := map[netip.AddrPort]*listenAddr{}
	for _, srv := range servers {
		if srv == nil {
			continue
		}
		for i := range srv.Listens {
			l := &srv.Listens[i]
			la := byAddr[l.Addr]
			if la == nil {
				la = &listenAddr{ap: l.Addr}
				byAddr[l.Addr] = la
				key := portKey{v6: !l.Addr.Addr().Is4(), port: l.Addr.Port()}
				p := byKey[key]
				if p == nil {
					p = &port{}
					byKey[key] = p
					ports = append(ports, p)
				}
				p.addrs = append(p.addrs, la)
			}
			la.add(srv, l)
		}
	}
	return ports
}

// add records one listen directive of srv on la.
func (la *listenAddr) add(srv *conf.Server, l *conf.Listen) {
	la.servers = append(la.servers, srv)
	if l.ReusePort || l.Backlog > 0 {
		la.opts = l
	}
	if l.DefaultServer {
		la.def = srv
	}
	// One listen with ssl makes the whole address ssl, as in nginx.
	la.ssl = la.ssl || l.SSL
	// Likewise proxy_protocol (ngx_http_add_addresses ORs it).
	la.proxyProtocol = la.proxyProtocol || l.ProxyProtocol
}
