package conf

import (
	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/realip"
	"github.com/gw-proxy/gw/parser"
)

// realIPDirectives are nginx's realip module, read by conf/realip:
// set_real_ip_from (inherited as a list, replaced by a level that has its
// own), real_ip_header and real_ip_recursive.
var realIPDirectives = []directive{
	{name: "set_real_ip_from", ctx: ctxHSL, args: exactly(1), multi: true, set: realIPSetter(realip.ReadFrom)},
	{name: "real_ip_header", ctx: ctxHSL, args: exactly(1), set: realIPSetter(realip.ReadHeader)},
	{name: "real_ip_recursive", ctx: ctxHSL, args: onOff, set: func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		on := isOn(d.Args[0])
		return func(s *Settings) { s.RealIP.SetRecursive(on) }, nil
	}},
}

// realIPSetter makes a row's setter from a conf/realip reader.
func realIPSetter(read func(*parser.Directive, realip.Env) (func(*realip.Settings), error)) setter {
	return func(b *builder, d *parser.Directive) (func(*Settings), error) {
		apply, err := read(d, realip.Env{Warn: b.warn, LookupHost: address.LookupHost})
		if err != nil {
			return nil, err
		}
		return func(s *Settings) { apply(&s.RealIP) }, nil
	}
}
