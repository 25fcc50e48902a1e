package conf

import (
	"github.com/gw-proxy/gw/conf/access"
	"github.com/gw-proxy/gw/parser"
)

// accessDirectives are nginx's access control, read by conf/access:
// allow/deny (inherited as a list, replaced by a level that has its own),
// auth_basic, auth_basic_user_file and satisfy.
var accessDirectives = []directive{
	{name: "allow", ctx: ctxHSL, args: exactly(1), multi: true, set: accessSetter(access.ReadRule)},
	{name: "deny", ctx: ctxHSL, args: exactly(1), multi: true, set: accessSetter(access.ReadRule)},
	{name: "auth_basic", ctx: ctxHSL, args: exactly(1), set: accessSetter(access.ReadRealm)},
	{name: "auth_basic_user_file", ctx: ctxHSL, args: exactly(1), set: accessSetter(access.ReadUserFile)},
	{name: "satisfy", ctx: ctxHSL, args: exactly(1), set: accessSetter(access.ReadSatisfy)},
}

// accessSetter makes a row's setter from a conf/access reader, which gets
// the prefix for file names and gw -t's warnings.
func accessSetter(read access.Reader) setter {
	return func(b *builder, d *parser.Directive) (func(*Settings), error) {
		apply, err := read(d, access.Env{Path: b.path, Warn: b.warn, Template: b.template})
		if err != nil {
			return nil, err
		}
		return func(s *Settings) { apply(&s.Access) }, nil
	}
}
