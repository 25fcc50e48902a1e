package conf

import (
	"net"
	"strconv"
	"strings"

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
	addrs, err := listenAddrs(d.Args[0])
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

// listenAddrs normalises listen's address to host:port strings: "8080" is
// 0.0.0.0:8080, "127.0.0.1" is 127.0.0.1:80, "*:80" is 0.0.0.0:80,
// "[::1]" is [::1]:80, and a host name is resolved now, as nginx does.
func listenAddrs(a parser.Arg) ([]string, error) {
	v := a.Value
	if strings.HasPrefix(v, "unix:") {
		return nil, errorAt(a.Pos, "unix domain sockets are not supported in %q of the \"listen\" directive", v)
	}
	host, port, err := splitListen(v)
	if err != nil {
		return nil, errorAt(a.Pos, "%s in %q of the \"listen\" directive", err.Error(), v)
	}
	if host == "*" || host == "" {
		host = "0.0.0.0"
	}
	if ip := net.ParseIP(host); ip != nil {
		return []string{net.JoinHostPort(ip.String(), port)}, nil
	}
	// Where a name has both families (localhost is 127.0.0.1 and ::1 on
	// most systems) gw listens on the IPv4 addresses only, so that
	// "listen localhost:8080" means 127.0.0.1:8080 whatever /etc/hosts says.
	ips, v6, err := resolveHost(host)
	if len(ips) == 0 {
		ips = v6
	}
	if err != nil || len(ips) == 0 {
		return nil, errorAt(a.Pos, "host not found in %q of the \"listen\" directive", v)
	}
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, net.JoinHostPort(ip, port))
	}
	return out, nil
}

// splitListen splits listen's address into host and port, with port 80
// when none is written; the error text is nginx's ngx_parse_url reason.
func splitListen(v string) (host, port string, err error) {
	if _, ok := value.Number(v); ok {
		return "", v, checkPort(v)
	}
	switch {
	case strings.HasPrefix(v, "["):
		end := strings.IndexByte(v, ']')
		if end < 0 {
			return "", "", errInvalidHost
		}
		host, rest := v[1:end], v[end+1:]
		if rest == "" {
			return host, "80", nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", "", errInvalidHost
		}
		return host, rest[1:], checkPort(rest[1:])
	case strings.Contains(v, ":"):
		i := strings.LastIndexByte(v, ':')
		return v[:i], v[i+1:], checkPort(v[i+1:])
	}
	return v, "80", nil
}

// listenError is a reason that listenAddrs wraps with the address.
type listenError string

func (e listenError) Error() string { return string(e) }

const (
	errInvalidPort listenError = "invalid port"
	errInvalidHost listenError = "invalid host"
)

// checkPort accepts 1-65535, as nginx does (port 0 is not a real port).
func checkPort(p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || strings.HasPrefix(p, "+") {
		return errInvalidPort
	}
	return nil
}

// resolveHost returns a host name's addresses as text, IPv4 and IPv6
// apart, each in resolver order. It goes through lookupHost, the resolver
// the upstream side uses, so tests can stub both.
func resolveHost(host string) (v4, v6 []string, err error) {
	ips, err := lookupHost(host)
	if err != nil {
		return nil, nil, err
	}
	for _, ip := range ips {
		ip = ip.Unmap()
		if ip.Is4() {
			v4 = append(v4, ip.String())
		} else {
			v6 = append(v6, ip.WithZone("").String())
		}
	}
	return v4, v6, nil
}
