package conf

import "github.com/gw-proxy/gw/conf/pages"

// warnOpenAPI adds gw -t's warning for every gw_api location that anyone
// who reaches its address can use: the runtime API drains servers and
// rewrites the configuration, so a location without basic authentication
// or a deny rule in force (inherited ones count) is almost certainly an
// oversight. It is a warning, not an error, because a listener bound to a
// loopback address behind other controls may be deliberate. It needs the
// merged settings, so validateHTTP runs it.
func warnOpenAPI(b *builder, h *HTTP) {
	for _, srv := range h.Servers {
		for _, loc := range srv.Locations {
			warnOpenAPILocation(b, loc)
		}
	}
}

func warnOpenAPILocation(b *builder, loc *Location) {
	if pg := loc.Settings.Page; pg != nil && pg.Kind == pages.API && !loc.Settings.Access.Guarded() {
		b.warn(pg.Pos, "gw_api in location %q is reachable without access control: "+
			"add auth_basic with auth_basic_user_file, or allow and deny rules", locationName(loc))
	}
	for _, inner := range loc.Locations {
		warnOpenAPILocation(b, inner)
	}
}
