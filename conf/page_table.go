package conf

import (
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/parser"
)

// pageDirectives are the location handlers whose answer gw makes itself
// (conf/pages): not inherited, at location level only.
var pageDirectives = []directive{
	{name: "check_status", ctx: ctxLoc, args: between(0, 1), set: pageSetter},
	{name: "stub_status", ctx: ctxLoc, args: between(0, 1), set: pageSetter},
	{name: "gw_status", ctx: ctxLoc, args: between(0, 1), set: pageSetter},
	{name: "gw_metrics", ctx: ctxLoc, args: exactly(0), set: pageSetter},
	{name: "gw_api", ctx: ctxLoc, args: between(0, 1), set: pageSetter},
}

// pageSetter reads a page directive. A location with a page and a
// proxy_pass, or two pages, would leave which one answers to the order of
// the lines (nginx keeps the last handler), so they are refused together.
func pageSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	p, err := pages.Parse(d)
	if err != nil {
		return nil, err
	}
	lv := b.lvl
	b.later(func() error {
		for _, other := range append([]string{"proxy_pass"}, pages.Directives...) {
			if other != d.Name && lv.wrote(other) {
				return errorAt(d.Pos, "%q and %q cannot be in one location", d.Name, other)
			}
		}
		return nil
	})
	return func(s *Settings) { s.Page = p }, nil
}
