package conf

import (
	"net/netip"
	"strings"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// listenIgnored are listen parameters that tune sockets in ways gw leaves
// to the system; they are accepted with a notice so nginx files load.
var listenIgnored = []string{"http2", "deferred", "bind", "ipv6only=", "so_keepalive=",
	"rcvbuf=", "sndbuf=", "fastopen=", "accept_filter=", "setfib="}

// listenDirective adds one Listen per address the listen's host names:
// an IP literal is one, a host name may resolve to several (nginx binds
// them all). A server may listen on a socket once: nginx's
// ngx_http_add_server refuses the second listen at once, whatever it is
// spelt.
func listenDirective(b *builder, d *parser.Directive) error {
	addrs, err := address.Listen(d.Args[0])
	if err != nil {
		return err
	}
	l := Listen{Pos: d.Pos}
	for _, a := range d.Args[1:] {
		if err := listenParam(b, &l, a); err != nil {
			return err
		}
	}
	for _, addr := range addrs {
		for _, o := range b.server.Listens {
			if o.Addr == addr {
				return errorAt(d.Pos, "a duplicate listen %s", addr)
			}
		}
		l.Addr = addr
		b.server.Listens = append(b.server.Listens, l)
	}
	return nil
}

// listenParam reads one parameter after the address.
func listenParam(b *builder, l *Listen, a parser.Arg) error {
	v := a.Value
	switch {
	case v == "default_server" || v == "default": // "default" is nginx's old spelling
		l.DefaultServer = true
	case v == "ssl":
		l.SSL = true
	case v == "proxy_protocol":
		l.ProxyProtocol = true
	case v == "reuseport":
		l.ReusePort = true
	case strings.HasPrefix(v, "backlog="):
		n, ok := value.Number(v[len("backlog="):])
		if !ok || n == 0 {
			return errorAt(a.Pos, "invalid backlog %q", v[len("backlog="):])
		}
		l.Backlog = n
	case isListenIgnored(v):
		b.notice(a.Pos, "listen parameter %q is accepted and ignored: gw has no such tuning", v)
	default:
		return errorAt(a.Pos, "invalid parameter %q", v)
	}
	return nil
}

func isListenIgnored(v string) bool {
	for _, p := range listenIgnored {
		if v == p || (strings.HasSuffix(p, "=") && strings.HasPrefix(v, p)) {
			return true
		}
	}
	return false
}

// checkListens applies nginx's rules for servers sharing a socket address
// (ngx_http_add_addresses), once every server is read, in its order for each
// listen: socket options (backlog, reuseport) on at most one listen of an
// address, since there is one socket, even when they are the same; then
// one default_server per address. Addresses compare as sockets, so ":080"
// and ":80" are one address, named as nginx prints it ("0.0.0.0:80").
func checkListens(servers []*Server) error {
	def := make(map[netip.AddrPort]bool)
	opts := make(map[netip.AddrPort]bool)
	for _, srv := range servers {
		for _, l := range srv.Listens {
			if l.ReusePort || l.Backlog > 0 {
				if opts[l.Addr] {
					return errorAt(l.Pos, "duplicate listen options for %s", l.Addr)
				}
				opts[l.Addr] = true
			}
			if l.DefaultServer {
				if def[l.Addr] {
					return errorAt(l.Pos, "a duplicate default server for %s", l.Addr)
				}
				def[l.Addr] = true
			}
		}
	}
	return nil
}
