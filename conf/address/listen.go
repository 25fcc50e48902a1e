package address

import (
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Listen reads listen's address with nginx's defaults: "8080" is
// 0.0.0.0:8080, "127.0.0.1" is 127.0.0.1:80, "*:80" is 0.0.0.0:80, "[::1]"
// is [::1]:80, and a host name is resolved now, as nginx does. The
// addresses are netip values, so that two spellings of one socket (":080"
// and ":80", "[::ffff:127.0.0.1]" and "127.0.0.1") are equal, as they are to
// the kernel. Its errors are nginx's, at the argument.
func Listen(a parser.Arg) ([]netip.AddrPort, error) {
	v := a.Value
	if strings.HasPrefix(v, "unix:") {
		return nil, parser.Errorf(a.Pos, "unix domain sockets are not supported in %q of the \"listen\" directive", v)
	}
	host, port, err := splitListen(v)
	if err != nil {
		return nil, parser.Errorf(a.Pos, "%s in %q of the \"listen\" directive", err.Error(), v)
	}
	if host == "*" || host == "" {
		host = "0.0.0.0"
	}
	// An IPv4-mapped IPv6 literal stands for its IPv4 address, as it always
	// has in gw: the socket is an IPv4 one, equal to the plain spelling.
	if ip := net.ParseIP(host); ip != nil {
		addr, _ := netip.AddrFromSlice(ip)
		return []netip.AddrPort{netip.AddrPortFrom(addr.Unmap(), port)}, nil
	}
	// Where a name has both families (localhost is 127.0.0.1 and ::1 on
	// most systems) gw listens on the IPv4 addresses only, so that
	// "listen localhost:8080" means 127.0.0.1:8080 whatever /etc/hosts says.
	ips, v6, err := resolveHost(host)
	if len(ips) == 0 {
		ips = v6
	}
	if err != nil || len(ips) == 0 {
		return nil, parser.Errorf(a.Pos, "host not found in %q of the \"listen\" directive", v)
	}
	out := make([]netip.AddrPort, 0, len(ips))
	for _, ip := range ips {
		out = append(out, netip.AddrPortFrom(ip, port))
	}
	return out, nil
}

// splitListen splits listen's address into host and port, with port 80
// when none is written; the error text is nginx's ngx_parse_url reason.
func splitListen(v string) (host string, port uint16, err error) {
	if _, ok := value.Number(v); ok {
		port, err = checkPort(v)
		return "", port, err
	}
	switch {
	case strings.HasPrefix(v, "["):
		end := strings.IndexByte(v, ']')
		if end < 0 {
			return "", 0, errInvalidHost
		}
		host, rest := v[1:end], v[end+1:]
		if rest == "" {
			return host, defaultPort, nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", 0, errInvalidHost
		}
		port, err = checkPort(rest[1:])
		return host, port, err
	case strings.Contains(v, ":"):
		i := strings.LastIndexByte(v, ':')
		port, err = checkPort(v[i+1:])
		return v[:i], port, err
	}
	return v, defaultPort, nil
}

// listenError is a reason that Listen wraps with the address.
type listenError string

func (e listenError) Error() string { return string(e) }

const (
	errInvalidPort listenError = "invalid port"
	errInvalidHost listenError = "invalid host"
)

// checkPort accepts 1-65535, as nginx does (port 0 is not a real port).
func checkPort(p string) (uint16, error) {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || strings.HasPrefix(p, "+") {
		return 0, errInvalidPort
	}
	return uint16(n), nil
}

// resolveHost returns a host name's addresses, IPv4 and IPv6 apart, each
// in resolver order. It goes through LookupHost, the resolver of upstream
// servers too, so tests can stub both.
func resolveHost(host string) (v4, v6 []netip.Addr, err error) {
	ips, err := LookupHost(host)
	if err != nil {
		return nil, nil, err
	}
	for _, ip := range ips {
		ip = ip.Unmap()
		if ip.Is4() {
			v4 = append(v4, ip)
		} else {
			v6 = append(v6, ip.WithZone(""))
		}
	}
	return v4, v6, nil
}
