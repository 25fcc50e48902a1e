package ssl

import (
	"slices"

	"github.com/gw-proxy/gw/parser"
)

// protocols are the ssl_protocols values gw can speak (Go's crypto/tls).
var protocols = []string{"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}

// ParseProtocols reads ssl_protocols. SSLv2 and SSLv3 are accepted (old
// nginx files list them) but cannot be spoken, hence warn, which reports
// each one ignored; anything else unknown is nginx's `invalid value`.
func ParseProtocols(d *parser.Directive, warn func(parser.Pos, string, ...any)) ([]string, error) {
	var protos []string
	for _, a := range d.Args {
		switch {
		case slices.Contains(protocols, a.Value):
			protos = append(protos, a.Value)
		case a.Value == "SSLv2" || a.Value == "SSLv3":
			warn(a.Pos, "%q is not supported by gw and is ignored", a.Value)
		default:
			return nil, parser.Errorf(a.Pos, "invalid value %q", a.Value)
		}
	}
	return protos, nil
}
