package access

import (
	"net/netip"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Family is the kind of client a rule applies to. nginx keeps one list of
// rules per address family and checks a client against its family's list
// only: `deny 10.0.0.0/8; allow all;` says nothing about an IPv6 client
// but through `all`.
type Family uint8

// The families of a rule.
const (
	All  Family = iota // `all`: every client, whatever its family
	IPv4               // an IPv4 address or CIDR
	IPv6               // an IPv6 address or CIDR
	// Unix is `unix:`, clients of unix-domain sockets. gw listens on TCP
	// only, so such a rule never matches; it is accepted as nginx
	// accepts it.
	Unix
)

// String names the family as the directive writes it.
func (f Family) String() string {
	switch f {
	case IPv4:
		return "ipv4"
	case IPv6:
		return "ipv6"
	case Unix:
		return "unix:"
	}
	return "all"
}

// Rule is one allow or deny line.
type Rule struct {
	Pos    parser.Pos
	Deny   bool
	Family Family
	// Prefix is the address with its mask for IPv4 and IPv6; the bits
	// below the mask are cleared, as nginx clears them.
	Prefix netip.Prefix
}

// Verdict is what the rules say of a client.
type Verdict uint8

// The verdicts.
const (
	// NoRule: no rule of the client's family matched, or there is none;
	// nginx's access module then declines and leaves the decision to
	// authentication.
	NoRule Verdict = iota
	Allowed
	Denied
)

// ReadRule reads `allow ADDRESS|CIDR|unix:|all` and `deny ...` with
// ngx_http_access_rule's checks and words. A CIDR with bits set below its
// mask is accepted with nginx's warning.
func ReadRule(d *parser.Directive, env Env) (func(*Settings), error) {
	a := d.Args[0]
	r := Rule{Pos: d.Pos, Deny: d.Name == "deny"}
	switch a.Value {
	case "all":
	case "unix:":
		r.Family = Unix
	default:
		p, lowBits, ok := parseCIDR(a.Value)
		if !ok {
			return nil, parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
		}
		if lowBits {
			env.Warn(a.Pos, "low address bits of %s are meaningless", a.Value)
		}
		r.Family, r.Prefix = IPv6, p
		if p.Addr().Is4() {
			r.Family = IPv4
		}
	}
	return func(s *Settings) { s.addRule(r) }, nil
}

// Check is nginx's access handler for a client address: the first rule of
// the client's family that matches decides, in the order written. An
// IPv4-mapped IPv6 client is checked as the IPv4 address it maps when any
// rule covers IPv4, as nginx does; an address that is not IP (gw has no
// other kind of client) is checked against `unix:` and `all`. Check
// allocates nothing.
func (s *Settings) Check(addr netip.Addr) Verdict {
	fam := Unix
	switch {
	case addr.Is4():
		fam = IPv4
	case addr.Is4In6() && s.coversIPv4():
		fam, addr = IPv4, addr.Unmap()
	case addr.Is6():
		fam = IPv6
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.Family == All || (r.Family == fam && (fam == Unix || r.Prefix.Contains(addr))) {
			if r.Deny {
				return Denied
			}
			return Allowed
		}
	}
	return NoRule
}

// coversIPv4 reports whether nginx's IPv4 list would be non-empty.
func (s *Settings) coversIPv4() bool {
	for i := range s.Rules {
		if f := s.Rules[i].Family; f == All || f == IPv4 {
			return true
		}
	}
	return false
}

// parseCIDR is nginx's ngx_ptocidr: an IPv4 or IPv6 address, optionally
// followed by "/" and a prefix length of at most 32 or 128. Bits below the
// mask are cleared and reported in lowBits.
func parseCIDR(s string) (p netip.Prefix, lowBits, ok bool) {
	text, bitsText, hasMask := strings.Cut(s, "/")
	addr, ok := parseIPv4(text)
	if !ok {
		if addr, ok = parseIPv6(text); !ok {
			return netip.Prefix{}, false, false
		}
	}
	bits := addr.BitLen()
	if hasMask {
		if bits, ok = atoi(bitsText); !ok || bits > addr.BitLen() {
			return netip.Prefix{}, false, false
		}
	}
	p = netip.PrefixFrom(addr, bits)
	masked := p.Masked()
	return masked, masked.Addr() != addr, true
}

// parseIPv4 is nginx's ngx_inet_addr: four decimal numbers up to 255
// separated by dots. Like nginx it takes leading zeros as decimal and an
// empty number as 0; unlike nginx, whose error value it is, it takes
// 255.255.255.255.
func parseIPv4(s string) (netip.Addr, bool) {
	var b [4]byte
	n, octet := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if octet = octet*10 + int(c-'0'); octet > 255 {
				return netip.Addr{}, false
			}
		case c == '.' && n < 3:
			b[n], octet = byte(octet), 0
			n++
		default:
			return netip.Addr{}, false
		}
	}
	if n != 3 {
		return netip.Addr{}, false
	}
	b[3] = byte(octet)
	return netip.AddrFrom4(b), true
}

// parseIPv6 reads an IPv6 address without a zone (nginx has none).
func parseIPv6(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

// atoi is nginx's ngx_atoi: one or more decimal digits, nothing else. Any
// value past 999 is as wrong as a prefix length as an overflow, so it
// stops there.
func atoi(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		if n = n*10 + int(s[i]-'0'); n > 999 {
			return 0, false
		}
	}
	return n, true
}
