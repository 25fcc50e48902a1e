package location

import (
	"net/netip"

	"github.com/gw-proxy/gw/conf"
)

// Socket is one listening socket to open, with the listen options written
// for its address.
type Socket struct {
	Addr     string         // "0.0.0.0:80", "127.0.0.1:8080", "[::]:443"
	AddrPort netip.AddrPort // Addr, parsed
	Network  string         // "tcp4" or "tcp6": an IPv6 socket is IPv6-only, nginx's default (ipv6only=on)
	SSL      bool           // some listen on this exact address has ssl
	// ProxyProtocol: some listen on this exact address has proxy_protocol.
	ProxyProtocol bool
	ReusePort     bool
	Backlog       int // 0 means the system default
}

// Router picks the server block for a connection and request. It is
// immutable once built and safe for concurrent use.
type Router struct {
	sockets  []Socket
	dispatch []dispatch // parallel to sockets
}

// dispatch tells which address configuration a connection accepted on one
// socket belongs to. A wildcard socket also carries the specific addresses
// of its port that were not bound separately; nginx tells them apart with
// getsockname() on each connection (ngx_http_init_connection), and so does
// the caller here by passing the connection's local address.
type dispatch struct {
	specific []*Address // looked up by local IP first
	own      *Address   // the socket's own address: the wildcard, or the one bound
}

// Sockets returns the sockets to bind, in a stable order: per port (in order
// of first appearance in the configuration), the separately bound specific
// addresses first, then the wildcard; without a wildcard on a port, every
// address of that port in order of appearance. Select takes an index into
// this slice. The slice is a copy.
func (r *Router) Sockets() []Socket {
	return append([]Socket(nil), r.sockets...)
}

// Address returns the address configuration of a connection accepted on
// Sockets()[sock] whose local address is local. The result is fixed for the
// connection's lifetime, so a caller may look it up once per connection and
// call Server per request. It returns nil for an index out of range.
func (r *Router) Address(sock int, local netip.Addr) *Address {
	if sock < 0 || sock >= len(r.dispatch) {
		return nil
	}
	d := &r.dispatch[sock]
	if len(d.specific) > 0 {
		// A dual-stack or IPv6 socket reports IPv4 peers as ::ffff:a.b.c.d;
		// the configuration names them as IPv4.
		ip := local.Unmap().WithZone("")
		for _, a := range d.specific {
			if a.ip == ip {
				return a
			}
		}
	}
	return d.own
}

// Select returns the server block for a request with Host header host on a
// connection accepted on Sockets()[sock] with local address local. It
// allocates nothing. See Address.Server for the order of the Host match.
func (r *Router) Select(sock int, local netip.Addr, host []byte) *conf.Server {
	return r.Address(sock, local).Server(host)
}
