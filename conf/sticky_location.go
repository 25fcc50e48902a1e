package conf

import (
	"github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// setStickyClean is session_sticky_header and session_sticky_hide_cookie.
// The upstream may be defined further down the file, so whether it exists
// and has session_sticky is checked after the walk.
func setStickyClean(b *builder, d *parser.Directive) (func(*Settings), error) {
	c, err := sticky.ParseClean(d)
	if err != nil {
		return nil, err
	}
	b.later(func() error { return checkStickyRef(b.http(), d, c.Upstream) })
	return func(s *Settings) { s.Sticky.SetClean(c) }, nil
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
func setStickyBypass(b *builder, d *parser.Directive) (func(*Settings), error) {
	ts := make([]*vars.Template, len(d.Args))
	for i, a := range d.Args {
		t, err := b.template(a)
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return func(s *Settings) { s.Sticky.Bypass = append(s.Sticky.Bypass, ts...) }, nil
}
