package realip

import (
	"net/netip"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Source is where the client's address is read from.
type Source uint8

// The sources real_ip_header names.
const (
	XRealIP       Source = iota // X-Real-IP, nginx's default
	XForwardedFor               // X-Forwarded-For, every line, right to left
	ProxyProtocol               // the connection's PROXY protocol header
	OtherHeader                 // any other header: its first line
)

// Settings are the realip directives in effect at one level. conf copies
// a level's parent into it, calls StartLevel, then applies the level's own
// directives, which is ngx_http_realip_merge_loc_conf.
type Settings struct {
	// From are the trusted peers: set_real_ip_from of the innermost level
	// that has any (a level with its own does not add to its parent's).
	// Empty means realip is off.
	From []netip.Prefix
	// FromUnix is `set_real_ip_from unix:`: clients of unix-domain
	// sockets are trusted. gw listens on TCP only, so it trusts nobody;
	// it is accepted as nginx accepts it.
	FromUnix bool

	Source Source
	// Header is real_ip_header's name for OtherHeader.
	Header string
	// Recursive is real_ip_recursive on.
	Recursive bool

	ownFrom bool
}

// StartLevel readies a copy of the parent's settings for the level's own
// directives.
func (s *Settings) StartLevel() { s.ownFrom = false }

// Active reports whether realip applies at this level: false costs a
// request nothing more than this test.
func (s *Settings) Active() bool { return len(s.From) > 0 || s.FromUnix }

func (s *Settings) startFrom() {
	if !s.ownFrom {
		s.From, s.FromUnix, s.ownFrom = nil, false, true // never append to the parent's array
	}
}

// Env is what reading a directive needs from the configuration being
// built.
type Env struct {
	// Warn records a gw -t warning.
	Warn func(pos parser.Pos, format string, args ...any)
	// LookupHost resolves a host name of set_real_ip_from, once, when the
	// configuration is built.
	LookupHost func(host string) ([]netip.Addr, error)
}

// ReadFrom reads `set_real_ip_from address|CIDR|unix:|hostname` with
// ngx_http_realip_from's rules: a CIDR with bits below its mask is
// accepted with nginx's warning; anything else is a host name, trusted
// with every address it resolves to.
func ReadFrom(d *parser.Directive, env Env) (func(*Settings), error) {
	a := d.Args[0]
	if a.Value == "unix:" {
		return func(s *Settings) { s.startFrom(); s.FromUnix = true }, nil
	}
	if p, lowBits, ok := parseCIDR(a.Value); ok {
		if lowBits {
			env.Warn(a.Pos, "low address bits of %s are meaningless", a.Value)
		}
		return func(s *Settings) { s.startFrom(); s.From = append(s.From, p) }, nil
	}
	addrs, err := env.LookupHost(a.Value)
	if err != nil || len(addrs) == 0 || strings.Contains(a.Value, "/") {
		// nginx: host not found in set_real_ip_from "x"
		return nil, parser.Errorf(a.Pos, "host not found in set_real_ip_from %q", a.Value)
	}
	var ps []netip.Prefix
	for _, ad := range addrs {
		ad = ad.Unmap()
		ps = append(ps, netip.PrefixFrom(ad, ad.BitLen()))
	}
	return func(s *Settings) { s.startFrom(); s.From = append(s.From, ps...) }, nil
}

// ReadHeader reads `real_ip_header X-Real-IP|X-Forwarded-For|proxy_protocol|NAME`;
// the known names compare case-insensitively, as nginx's do.
func ReadHeader(d *parser.Directive, _ Env) (func(*Settings), error) {
	v := d.Args[0].Value
	src, name := OtherHeader, v
	switch {
	case strings.EqualFold(v, "X-Real-IP"):
		src = XRealIP
	case strings.EqualFold(v, "X-Forwarded-For"):
		src = XForwardedFor
	case strings.EqualFold(v, "proxy_protocol"):
		src = ProxyProtocol
	}
	return func(s *Settings) { s.Source, s.Header = src, name }, nil
}

// SetRecursive is real_ip_recursive on|off.
func (s *Settings) SetRecursive(on bool) { s.Recursive = on }

// parseCIDR reads an address or address/bits, clearing the bits below the
// mask; lowBits says some were set.
func parseCIDR(v string) (p netip.Prefix, lowBits, ok bool) {
	text, bits, hasMask := strings.Cut(v, "/")
	a, err := netip.ParseAddr(text)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false, false
	}
	a = a.Unmap()
	if !hasMask {
		return netip.PrefixFrom(a, a.BitLen()), false, true
	}
	n := 0
	for i := 0; i < len(bits); i++ {
		if c := bits[i]; c < '0' || c > '9' || i > 2 {
			return netip.Prefix{}, false, false
		}
		n = n*10 + int(bits[i]-'0')
	}
	if bits == "" || n > a.BitLen() {
		return netip.Prefix{}, false, false
	}
	p = netip.PrefixFrom(a, n)
	m := p.Masked()
	return m, m.Addr() != a, true
}
