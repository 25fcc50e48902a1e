package realip

import (
	"net/netip"
	"strconv"
)

// Trusted reports whether a peer at addr is one set_real_ip_from names.
// IPv4-mapped IPv6 peers compare as the IPv4 address they map.
func (s *Settings) Trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.From {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Find is ngx_http_get_forwarded_addr: the address a request from peer
// really comes from, given the lines of its address header in the order
// received (X-Forwarded-For may have several; the others pass one). The
// peer must be trusted, else nothing changes. Each line is read from its
// last address leftwards: without recursion the last address of the
// last line is the client; with it, addresses are skipped while the one
// just read is trusted too, across lines, and the first untrusted one is
// the client (the leftmost when all are trusted). An address that does
// not parse ends the walk: before any was read nothing changes, after,
// the last good one stands. An address may carry a port ("192.0.2.1:80",
// "[2001:db8::1]:80"); without one the port is 0, which $remote_port
// writes as empty, as nginx does.
func (s *Settings) Find(peer netip.Addr, lines [][]byte) (netip.AddrPort, bool) {
	if !s.Trusted(peer) {
		return netip.AddrPort{}, false
	}
	var found netip.AddrPort
	ok := false
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		for {
			a, rest, good := lastAddr(line)
			if !good {
				return found, ok
			}
			found, ok, line = a, true, rest
			if !s.Recursive {
				return found, true
			}
			if !s.Trusted(a.Addr()) {
				return found, true
			}
			if len(line) == 0 {
				break
			}
		}
	}
	return found, ok
}

// lastAddr reads the last address of a list separated by commas and
// spaces, returning what is left before it.
func lastAddr(line []byte) (netip.AddrPort, []byte, bool) {
	end := len(line)
	for end > 0 && (line[end-1] == ' ' || line[end-1] == ',') {
		end--
	}
	start := end
	for start > 0 && line[start-1] != ' ' && line[start-1] != ',' {
		start--
	}
	a, ok := parseAddrPort(line[start:end])
	rest := line[:start]
	for len(rest) > 0 && (rest[len(rest)-1] == ' ' || rest[len(rest)-1] == ',') {
		rest = rest[:len(rest)-1]
	}
	return a, rest, ok
}

// parseAddrPort is nginx's ngx_parse_addr_port: an IPv4 or IPv6 address,
// "IPv4:port" or "[IPv6]:port", the port from 1 to 65535.
func parseAddrPort(b []byte) (netip.AddrPort, bool) {
	if len(b) == 0 || len(b) > 64 {
		return netip.AddrPort{}, false
	}
	var buf [64]byte
	s := buf[:copy(buf[:], b)]
	if a, err := netip.ParseAddr(string(s)); err == nil && a.Zone() == "" {
		return netip.AddrPortFrom(a.Unmap(), 0), true
	}
	var host, port []byte
	if s[0] == '[' {
		i := indexByte(s, ']')
		if i < 0 || i+1 >= len(s) || s[i+1] != ':' {
			return netip.AddrPort{}, false
		}
		host, port = s[1:i], s[i+2:]
	} else {
		i := indexByte(s, ':')
		if i < 0 {
			return netip.AddrPort{}, false
		}
		host, port = s[:i], s[i+1:]
	}
	n, err := strconv.ParseUint(string(port), 10, 16)
	if err != nil || n == 0 || port[0] == '+' {
		return netip.AddrPort{}, false
	}
	a, err := netip.ParseAddr(string(host))
	if err != nil || a.Zone() != "" {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(a.Unmap(), uint16(n)), true
}

func indexByte(s []byte, c byte) int {
	for i := range s {
		if s[i] == c {
			return i
		}
	}
	return -1
}
