package location

import (
	"github.com/gw-proxy/gw/conf"
)

// NewRouter compiles the listen directives and server names of servers
// (in file order) into a Router.
//
// Sockets follow nginx's ngx_http_init_listening: on a port with a wildcard
// address (0.0.0.0:P or [::]:P) only the wildcard is bound, and connections
// to the port's other addresses are told apart by their local address;
// only an address with socket options of its own (reuseport, backlog=) is
// bound separately. On a port without a wildcard every address gets its
// own socket.
//
// servers must have passed conf's checks of listens that share an address
// (one listen per server and address, socket options and default_server on
// one listen at most) and of server names (no empty label; conflicts
// warned about): they are not made again here. A name claimed twice on one
// address stays with the first server, as in nginx.
func NewRouter(servers []*conf.Server) (*Router, error) {
	r := &Router{}
	for _, p := range collectPorts(servers) {
		if err := r.addPort(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// addPort compiles the addresses of one port and adds its sockets.
func (r *Router) addPort(p *port) error {
	type compiled struct {
		la *listenAddr
		a  *Address
	}
	var wild *compiled
	var bound, shared []compiled
	for _, la := range p.addrs {
		a, err := r.compileAddress(la)
		if err != nil {
			return err
		}
		switch c := (compiled{la, a}); {
		case la.ap.Addr().IsUnspecified():
			wild = &c
		case la.bind():
			bound = append(bound, c)
		default:
			shared = append(shared, c)
		}
	}
	for _, c := range bound {
		r.addSocket(c.la, dispatch{own: c.a})
	}
	if wild == nil {
		// No wildcard: the other specific addresses need sockets too,
		// after the bound ones, as in nginx's sorted address list.
		for _, c := range shared {
			r.addSocket(c.la, dispatch{own: c.a})
		}
		return nil
	}
	d := dispatch{own: wild.a}
	for _, c := range shared {
		d.specific = append(d.specific, c.a)
	}
	r.addSocket(wild.la, d)
	return nil
}

// addSocket appends the socket of la with its dispatch.
func (r *Router) addSocket(la *listenAddr, d dispatch) {
	s := Socket{Addr: la.ap.String(), AddrPort: la.ap, Network: "tcp6", SSL: la.ssl, ProxyProtocol: la.proxyProtocol}
	if la.ap.Addr().Is4() {
		s.Network = "tcp4"
	}
	if la.opts != nil {
		s.ReusePort, s.Backlog = la.opts.ReusePort, la.opts.Backlog
	}
	r.sockets = append(r.sockets, s)
	r.dispatch = append(r.dispatch, d)
}

// compileAddress builds the Address of la: its default server and its name
// lookup.
func (r *Router) compileAddress(la *listenAddr) (*Address, error) {
	a := &Address{
		text: la.ap.String(),
		ip:   la.ap.Addr().WithZone(""),
		ssl:  la.ssl,
		def:  la.def,
	}
	if a.def == nil {
		a.def = la.servers[0]
	}
	t := newNameTable(a)
	for _, srv := range la.servers {
		if err := t.addServer(srv); err != nil {
			return nil, err
		}
	}
	if len(la.servers) == 1 {
		a.only = a.def
	}
	return a, nil
}
