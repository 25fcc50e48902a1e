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

// checkListens applies nginx's rules for servers sharing an address: one
// default_server per address, and socket options (backlog, reuseport) given
// on at most one listen of an address, since there is one socket.
func checkListens(servers []*Server) error {
	def := make(map[string]bool)
	opts := make(map[string]bool)
	for _, srv := range servers {
		for _, l := range srv.Listens {
			if l.DefaultServer {
				if def[l.Addr] {
					return errorAt(l.Pos, "a duplicate default server for %s", l.Addr)
				}
				def[l.Addr] = true
			}
			if l.ReusePort || l.Backlog > 0 {
				if opts[l.Addr] {
					return errorAt(l.Pos, "duplicate listen options for %s", l.Addr)
				}
				opts[l.Addr] = true
			}
		}
	}
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
				key := l.Addr + " " + n.Name
				if n.Kind == NameRegex {
					key = l.Addr + " ~" + n.Name
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
