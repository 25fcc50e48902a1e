package conf

import (
	"time"

	"github.com/gw-proxy/gw/parser"
)

// parseSize parses an nginx size: bytes, or a number followed by k, m or g
// in either case (ngx_parse_offset). Negative and overflowing values fail.
func parseSize(s string) (int64, bool) {
	scale := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			scale, s = 1<<10, s[:n-1]
		case 'm', 'M':
			scale, s = 1<<20, s[:n-1]
		case 'g', 'G':
			scale, s = 1<<30, s[:n-1]
		}
	}
	n, ok := parseNumber(s)
	if !ok || int64(n) > (1<<63-1)/scale {
		return 0, false
	}
	return int64(n) * scale, true
}

// parseNumber parses a non-negative decimal number without sign or spaces,
// like ngx_atoi: "+1", "1e3" and "0x10" are not numbers.
func parseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseTime parses an nginx time for an msec directive (timeouts): "60",
// "60s", "1m30s", "500ms". A bare number is seconds, as in nginx.
func parseTime(s string) (time.Duration, bool) { return parseNginxTime(s, true) }

// timeSetter makes the setter of a directive with one time argument.
func timeSetter(field func(*Settings) *time.Duration) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v, ok := parseTime(d.Args[0].Value)
		if !ok {
			return nil, invalidValue(d, d.Args[0])
		}
		return func(s *Settings) { *field(s) = v }, nil
	}
}

// sizeSetter makes the setter of a directive with one size argument.
func sizeSetter(field func(*Settings) *int64) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v, ok := parseSize(d.Args[0].Value)
		if !ok {
			return nil, invalidValue(d, d.Args[0])
		}
		return func(s *Settings) { *field(s) = v }, nil
	}
}

// numberSetter makes the setter of a directive with one number argument;
// the message is ngx_conf_set_num_slot's "invalid number".
func numberSetter(field func(*Settings) *int) setter {
	return func(_ *builder, d *parser.Directive) (func(*Settings), error) {
		v, ok := parseNumber(d.Args[0].Value)
		if !ok {
			return nil, errorAt(d.Args[0].Pos, "%q directive invalid number", d.Name)
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
