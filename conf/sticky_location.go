package conf

import (
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// setStickyClean is session_sticky_header and session_sticky_hide_cookie:
// `upstream=NAME [switch=on|off]`. The upstream may be defined further down
// the file, so whether it exists and has session_sticky is checked after the
// walk.
func setStickyClean(b *builder, d *parser.Directive) (func(*Settings), error) {
	name, ok := strings.CutPrefix(d.Args[0].Value, "upstream=")
	if !ok {
		// Tengine's words for a first argument that is not upstream=.
		return nil, errorAt(d.Args[0].Pos, "invalid argument of %q", d.Args[0].Value)
	}
	if name == "" {
		return nil, errorAt(d.Args[0].Pos, "invalid upstream name %q", d.Args[0].Value)
	}
	c := StickyClean{Pos: d.Pos, Upstream: name, On: true}
	if len(d.Args) == 2 {
		a := d.Args[1]
		v, ok := strings.CutPrefix(a.Value, "switch=")
		if !ok {
			return nil, errorAt(a.Pos, "invalid argument of %q", a.Value)
		}
		if !pick(&c.On, v, switchWords) {
			return nil, errorAt(a.Pos, "invalid switch %q", a.Value)
		}
	}
	b.later(func() error { return checkStickyRef(b.http(), d, name) })
	return func(s *Settings) { s.Sticky.setClean(c) }, nil
}

// checkStickyRef checks that directive d names an upstream with
// session_sticky: cleaning for any other upstream would do nothing.
func checkStickyRef(h *HTTP, d *parser.Directive, name string) error {
	u := h.Upstream(name)
	if u == nil {
		return errorAt(d.Pos, "unknown upstream %q in %q directive", name, d.Name)
	}
	if u.Sticky == nil {
		return errorAt(d.Pos, "upstream %q in %q directive has no session_sticky", name, d.Name)
	}
	return nil
}

// setStickyBypass is `session_sticky_bypass STRING ...`: each string is a
// template evaluated per request.
func setStickyBypass(_ *builder, d *parser.Directive) (func(*Settings), error) {
	ts := make([]*vars.Template, len(d.Args))
	for i, a := range d.Args {
		t, err := value.Template(a)
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return func(s *Settings) { s.Sticky.Bypass = append(s.Sticky.Bypass, ts...) }, nil
}
