package address

import (
	"net"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Listen normalises listen's address to host:port strings: "8080" is
// 0.0.0.0:8080, "127.0.0.1" is 127.0.0.1:80, "*:80" is 0.0.0.0:80,
// "[::1]" is [::1]:80, and a host name is resolved now, as nginx does. Its
// errors are nginx's, at the argument.
func Listen(a parser.Arg) ([]string, error) {
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
		return nil, parser.Errorf(a.Pos, "host not found in %q of the \"listen\" directive", v)
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

// listenError is a reason that Listen wraps with the address.
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
// apart, each in resolver order. It goes through LookupHost, the resolver
// of upstream servers too, so tests can stub both.
func resolveHost(host string) (v4, v6 []string, err error) {
	ips, err := LookupHost(host)
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
