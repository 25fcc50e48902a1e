package conf

import (
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
// them all).
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
