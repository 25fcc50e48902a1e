package conf

// warnStickyCleaning adds a gw -t warning for every location that proxies to
// an upstream whose session_sticky puts something in the request the
// backend should not see (option=indirect, mode=prefix) while no
// session_sticky_header cleans it at that location. Tengine silently stops
// inserting cookies in that case; gw keeps routing and says so once, here
// [gw]. It needs the merged settings and proxy_pass bound to its upstream,
// so validateHTTP runs it.
func warnStickyCleaning(b *builder, h *HTTP) {
	for _, srv := range h.Servers {
		for _, loc := range srv.Locations {
			warnLocationCleaning(b, loc)
		}
	}
}

func warnLocationCleaning(b *builder, loc *Location) {
	if pp := loc.Settings.ProxyPass; pp != nil {
		u := pp.Upstream
		if u != nil && u.Sticky != nil && u.Sticky.Cleans() && !loc.Settings.Sticky.Cleans(u.Name) {
			what := "option=indirect"
			if !u.Sticky.Indirect {
				what = "mode=prefix"
			}
			b.warn(pp.Pos, "session_sticky of upstream %q uses %s but location %q does not clean "+
				"requests (add \"session_sticky_header upstream=%s;\")", u.Name, what, locationName(loc), u.Name)
		}
	}
	for _, inner := range loc.Locations {
		warnLocationCleaning(b, inner)
	}
}

// locationName is a location's pattern with its modifier, as written.
func locationName(loc *Location) string {
	if loc.Modifier == ModPrefix || loc.Modifier == ModNamed {
		return loc.Pattern // a named location's pattern holds its "@"
	}
	return loc.Modifier.String() + " " + loc.Pattern
}
