package check

import (
	"math"
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// param reads the value v of one name=value parameter of check into c.
// It returns nil or the error to report at the argument a.
type param func(c *Config, v string, a parser.Arg) error

// params are check's parameters. Every value is Tengine's: interval= and
// timeout= are plain milliseconds (ngx_atoi, no unit: "3s" is refused),
// counts and the port are positive, default_down= is true or false in any
// case. unique= (Tengine's: one probe per address shared by several
// upstreams) is accepted and has no field: it changes how many probes are
// sent, never what they decide.
var params = map[string]param{
	"interval":     func(c *Config, v string, a parser.Arg) error { return millis(&c.Interval, v, a) },
	"timeout":      func(c *Config, v string, a parser.Arg) error { return millis(&c.Timeout, v, a) },
	"fall":         func(c *Config, v string, a parser.Arg) error { return count(&c.Fall, v, a) },
	"rise":         func(c *Config, v string, a parser.Arg) error { return count(&c.Rise, v, a) },
	"default_down": func(c *Config, v string, a parser.Arg) error { return boolean(&c.DefaultDown, v, a) },
	"unique":       func(_ *Config, v string, a parser.Arg) error { var b bool; return boolean(&b, v, a) },
	"port": func(c *Config, v string, a parser.Arg) error {
		// Tengine would wrap a port above 65535 silently; gw refuses it.
		if err := count(&c.Port, v, a); err != nil || c.Port <= 65535 {
			return err
		}
		return invalidParameter(a)
	},
	"type": func(c *Config, v string, a parser.Arg) error {
		if t, ok := types[v]; ok {
			c.Type = t
			return nil
		}
		if unimplementedTypes[v] {
			return parser.Errorf(a.Pos, "gw does not implement the %q check type", v)
		}
		return invalidParameter(a)
	},
}

// parseCheck reads the check directive's parameters into c, which holds
// Tengine's defaults. Unlike Tengine, which compares prefixes and lets the
// last of two equal parameters win, each parameter must be written once.
func parseCheck(d *parser.Directive, c *Config) error {
	seen := make(map[string]bool, len(d.Args))
	for _, a := range d.Args {
		name, v, ok := strings.Cut(a.Value, "=")
		p := params[name]
		if !ok || p == nil {
			return invalidParameter(a)
		}
		if seen[name] {
			return parser.Errorf(a.Pos, "duplicate parameter %q", a.Value)
		}
		seen[name] = true
		if err := p(c, v, a); err != nil {
			return err
		}
	}
	return nil
}

// invalidParameter is Tengine's message for any parameter it cannot read.
func invalidParameter(a parser.Arg) error {
	return parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
}

// count reads a positive number, as Tengine's ngx_atoi and "== 0" test.
func count(n *int, v string, a parser.Arg) error {
	x, ok := value.Number(v)
	if !ok || x == 0 {
		return invalidParameter(a)
	}
	*n = x
	return nil
}

// millis reads a positive number of milliseconds.
func millis(d *time.Duration, v string, a parser.Arg) error {
	var n int
	if err := count(&n, v, a); err != nil {
		return err
	}
	if n > math.MaxInt64/int(time.Millisecond) {
		return invalidParameter(a)
	}
	*d = time.Duration(n) * time.Millisecond
	return nil
}

// boolean reads true or false in any case, with Tengine's message, which
// quotes the whole argument.
func boolean(b *bool, v string, a parser.Arg) error {
	switch {
	case strings.EqualFold(v, "true"):
		*b = true
	case strings.EqualFold(v, "false"):
		*b = false
	default:
		return parser.Errorf(a.Pos, "invalid value %q, it must be \"true\" or \"false\"", a.Value)
	}
	return nil
}
