package address

import (
	"net/netip"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
)

// defaultPort is the port of a listen or an upstream server written
// without one, nginx's.
const defaultPort = 80

// SplitUpstream splits a server address the way nginx's ngx_parse_url
// does for an upstream server: "host", "host:port", "[ipv6]" or
// "[ipv6]:port". ip is valid when host is an address literal. The error text
// is nginx's u.err ("invalid host", "invalid port", ...), which the caller
// completes with ` in upstream "ADDR"`.
func SplitUpstream(s string) (host string, ip netip.Addr, port uint16, errText string) {
	if len(s) >= 5 && strings.EqualFold(s[:5], "unix:") {
		// nginx proxies to unix sockets; gw's fasthttp clients dial TCP only.
		return "", ip, 0, "unix domain sockets are not supported"
	}
	rest := ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", ip, 0, "invalid host"
		}
		host, rest = s[1:end], s[end+1:]
		if rest != "" && rest[0] != ':' {
			return "", ip, 0, "invalid host"
		}
		if host == "" {
			return "", ip, 0, "no host"
		}
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", ip, 0, "invalid IPv6 address"
		}
		ip = a
	} else {
		// An upstream server takes no URI: nginx calls "/x" or "?x" a bad host.
		if strings.ContainsAny(s, "/?") {
			return "", ip, 0, "invalid host"
		}
		host = s
		if i := strings.IndexByte(s, ':'); i >= 0 {
			host, rest = s[:i], s[i:]
		}
		if host == "" {
			return "", ip, 0, "no host"
		}
		if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
			ip = a
		}
	}
	port = defaultPort
	if rest != "" {
		n, ok := value.Number(rest[1:])
		if !ok || n < 1 || n > 65535 {
			return "", ip, 0, "invalid port"
		}
		port = uint16(n)
	}
	return host, ip, port, ""
}

// Resolve returns the addresses of a server as "ip:port" texts:
// the literal itself, or every address host resolves to, IPv4 first as
// nginx orders them, without repeats. ok is false when host does not
// resolve.
func Resolve(host string, ip netip.Addr, port uint16) (addrs []string, ok bool) {
	if ip.IsValid() {
		return []string{netip.AddrPortFrom(ip, port).String()}, true
	}
	ips, err := LookupHost(host)
	if err != nil || len(ips) == 0 {
		return nil, false
	}
	seen := make(map[netip.Addr]bool, len(ips))
	for _, v4 := range []bool{true, false} {
		for _, a := range ips {
			a = a.Unmap().WithZone("") // a zone would not survive in the sid text
			if a.Is4() != v4 || seen[a] {
				continue
			}
			seen[a] = true
			addrs = append(addrs, netip.AddrPortFrom(a, port).String())
		}
	}
	return addrs, true
}

// SplitHostPort splits host[:port] and [v6]:port without judging either:
// proxy_pass needs the name to look for an upstream block before it knows
// whether the text is an address at all.
func SplitHostPort(hp string) (host, port string, hasPort bool) {
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return hp, "", false
		}
		host, rest := hp[1:end], hp[end+1:]
		if p, ok := strings.CutPrefix(rest, ":"); ok {
			return host, p, true
		}
		return host, "", false
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		return hp[:i], hp[i+1:], true
	}
	return hp, "", false
}
