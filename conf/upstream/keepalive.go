package upstream

import (
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// SetKeepalive reads `keepalive N`: the idle connections cached.
func (u *Config) SetKeepalive(d *parser.Directive) error {
	a := d.Args[0]
	n, ok := value.Number(a.Value)
	if !ok || n < 1 {
		return parser.Errorf(a.Pos, "invalid value %q in %q directive", a.Value, d.Name)
	}
	u.Keepalive = n
	return nil
}

// SetKeepaliveTimeout reads the upstream's keepalive_timeout, not the
// client one of http/server/location.
func (u *Config) SetKeepaliveTimeout(d *parser.Directive) error {
	t, ok := value.Time(d.Args[0].Value)
	if !ok {
		return value.Invalid(d, d.Args[0])
	}
	u.KeepaliveTimeout = t
	return nil
}

// SetKeepaliveRequests reads the upstream's keepalive_requests.
func (u *Config) SetKeepaliveRequests(d *parser.Directive) error {
	a := d.Args[0]
	n, ok := value.Number(a.Value)
	if !ok {
		// ngx_conf_set_num_slot's words.
		return value.InvalidNumber(d, a)
	}
	u.KeepaliveRequests = n
	return nil
}
