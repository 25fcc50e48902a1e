package conf

// validateHTTP runs the checks that need every server with its merged
// settings: TLS material, how servers share listen addresses, and the
// session_sticky cleaning warnings (sticky_warn.go).
func validateHTTP(b *builder, h *HTTP) error {
	for _, srv := range h.Servers {
		if err := checkServerTLS(srv); err != nil {
			return err
		}
	}
	if err := checkListens(h.Servers); err != nil {
		return err
	}
	warnConflictingNames(b, h.Servers)
	warnStickyCleaning(b, h)
	return nil
}

// warnConflictingNames reports a name given to two servers on one address:
// like nginx, the first server keeps it and the warning says the second
// one's is ignored.
func warnConflictingNames(b *builder, servers []*Server) {
	owner := make(map[string]*Server)
	for _, srv := range servers {
		for _, l := range srv.Listens {
			for _, n := range srv.Names {
				key := l.Addr.String() + " " + n.Name
				if n.Kind == NameRegex {
					key = l.Addr.String() + " ~" + n.Name
				}
				if o, ok := owner[key]; ok && o != srv {
					b.warn(n.Pos, "conflicting server name %q on %s, ignored", n.Name, l.Addr)
					continue
				}
				owner[key] = srv
			}
		}
	}
}
