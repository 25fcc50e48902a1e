package conf

// warnStickyCleaning adds gw -t's session_sticky warnings: each directive's
// (conf/sticky's Warnings, kept by its upstream), and one for every location
// proxying to an upstream that puts in the request what the backend should
// not see (option=indirect, mode=prefix) with no session_sticky_header
// deciding about it there (switch=off is a decision). Tengine silently stops
// inserting cookies then; gw keeps routing and says so [gw]. It needs the
// merged settings and bound proxy_pass, so validateHTTP runs it.
func warnStickyCleaning(b *builder, h *HTTP) {
	for _, u := range h.Upstreams {
		u.WarnSticky(b.warn)
	}
	for _, srv := range h.Servers {
		for _, loc := range srv.Locations {
			warnLocationCleaning(b, loc)
		}
	}
}

func warnLocationCleaning(b *builder, loc *Location) {
	warnProxyCleaning(b, loc)
	for _, br := range loc.Branches {
		if br.Settings.ProxyPass != br.Parent.Settings.ProxyPass {
			warnProxyCleaning(b, br) // an if block's own proxy_pass
		}
	}
	for _, inner := range loc.Locations {
		warnLocationCleaning(b, inner)
	}
}

// warnProxyCleaning warns about loc's proxy_pass.
func warnProxyCleaning(b *builder, loc *Location) {
	if pp := loc.Settings.ProxyPass; pp != nil {
		u := pp.Upstream
		if u != nil && u.Sticky != nil && u.Sticky.Cleans() && !loc.Settings.Sticky.Switched(u.Name) {
			b.warn(pp.Pos, "session_sticky of upstream %q uses %s but location %q does not clean "+
				"requests (add \"session_sticky_header upstream=%s;\")", u.Name, u.Sticky.CleanedOf(), locationName(loc), u.Name)
		}
	}
}

// locationName is a location's pattern with its modifier, as written.
func locationName(loc *Location) string {
	if loc.Modifier == ModPrefix || loc.Modifier == ModNamed {
		return loc.Pattern // a named location's pattern holds its "@"
	}
	return loc.Modifier.String() + " " + loc.Pattern
}
