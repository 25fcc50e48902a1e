package conf

import (
	"time"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// timeSetter makes the setter of a directive with one time argument.
func timeSetter(field func(*Settings) *time.Duration) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v, ok := value.Time(d.Args[0].Value)
		if !ok {
			return nil, value.Invalid(d, d.Args[0])
		}
		return func(s *Settings) { *field(s) = v }, nil
	}
}

// sizeSetter makes the setter of a directive with one size argument.
func sizeSetter(field func(*Settings) *int64) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v, ok := value.Size(d.Args[0].Value)
		if !ok {
			return nil, value.Invalid(d, d.Args[0])
		}
		return func(s *Settings) { *field(s) = v }, nil
	}
}

// numberSetter makes the setter of a directive with one number argument;
// the message is ngx_conf_set_num_slot's "invalid number".
func numberSetter(field func(*Settings) *int) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v, ok := value.Number(d.Args[0].Value)
		if !ok {
			return nil, value.InvalidNumber(d, d.Args[0])
		}
		return func(s *Settings) { *field(s) = v }, nil
	}
}

// flagSetter makes the setter of an on|off directive (arity onOff has
// already checked the value).
func flagSetter(field func(*Settings) *bool) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v := isOn(d.Args[0])
		return func(s *Settings) { *field(s) = v }, nil
	}
}
