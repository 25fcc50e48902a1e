package sticky

import (
	"fmt"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Warning is a gw -t warning: a setting that is legal but does nothing,
// at the argument that says it. The configuration still loads.
type Warning struct {
	Pos parser.Pos
	Msg string
}

// Warnings returns what gw -t says about the session_sticky directive d,
// which Parse read into s: parameters the other parameters make useless,
// and a path that browsers would not take as written.
func Warnings(d *parser.Directive, s *Config) []Warning {
	var ws []Warning
	add := func(name, format string, args ...any) {
		a := argNamed(d, name)
		ws = append(ws, Warning{Pos: a.Pos, Msg: fmt.Sprintf(format, append([]any{a.Value}, args...)...)})
	}
	if s.Mode != ModeInsert {
		// Only the cookie gw inserts carries timestamps (Timestamps) and
		// gets Cache-Control: private: in rewrite and prefix the cookie is
		// the backend's.
		for _, name := range []string{"maxidle", "maxlife"} {
			if argNamed(d, name) != nil {
				add(name, "%q does nothing with \"mode=%s\": only the cookie of mode=insert carries timestamps", s.Mode)
			}
		}
		if s.NoCache {
			add("nocache", "%q does nothing with \"mode=%s\": it marks responses in which gw inserts its cookie (mode=insert)", s.Mode)
		}
	}
	if s.Secret != "" && s.Hash != HashHMAC && !s.Timestamps() {
		// The value is a key: it stays out of the message.
		ws = append(ws, Warning{Pos: argNamed(d, "secret").Pos,
			Msg: `"secret=" is not used: it keys "hash=hmac" and signs the cookies of "maxidle=" and "maxlife=" (mode=insert)`})
	}
	if !strings.HasPrefix(s.Path, "/") {
		add("path", "%q does not start with \"/\": browsers ignore such a Path and use the request's directory instead")
	}
	return ws
}

// argNamed returns the argument of d that sets parameter name (name or
// name=...), nil when d has none. Parse refuses a repeated one.
func argNamed(d *parser.Directive, name string) *parser.Arg {
	for i := range d.Args {
		if n, _, _ := strings.Cut(d.Args[i].Value, "="); n == name {
			return &d.Args[i]
		}
	}
	return nil
}
