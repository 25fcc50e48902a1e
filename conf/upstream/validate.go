package upstream

import (
	"github.com/gw-proxy/gw/parser"
)

// Check validates what depends on several directives of the upstream block
// d once the whole block is read, so that, unlike in nginx, the order of the
// directives inside does not matter.
func (u *Config) Check(d *parser.Directive) error {
	if len(u.Servers) == 0 {
		return parser.Errorf(d.Pos, "no servers are inside upstream")
	}
	if !u.Balancer.supportsBackup() {
		for _, s := range u.Servers {
			if s.Backup {
				return parser.Errorf(backupArgPos(d, s.Pos),
					"balancing method does not support parameter \"backup\"")
			}
		}
	}
	if u.Servers[0].Backup && allBackups(u.Servers) {
		// nginx's words: backups alone cannot serve.
		return parser.Errorf(d.Pos, "no servers in upstream %q", u.Name)
	}
	ids := make(map[string]parser.Pos)
	for _, s := range u.Servers {
		if s.ID == "" {
			continue
		}
		// The addresses of one host name share its id; two server lines may
		// not, or hash=plain could not tell them apart.
		if first, dup := ids[s.ID]; dup && first != s.Pos {
			return parser.Errorf(s.Pos, "duplicate id %q in upstream %q", s.ID, u.Name)
		}
		ids[s.ID] = s.Pos
	}
	return nil
}

// backupArgPos finds the "backup" argument of the server directive at pos
// in block d, so the error points at the word itself.
func backupArgPos(d *parser.Directive, pos parser.Pos) parser.Pos {
	for _, s := range d.Block {
		if s.Pos != pos {
			continue
		}
		for _, a := range s.Args[1:] {
			if a.Value == "backup" {
				return a.Pos
			}
		}
	}
	return pos
}

// allBackups reports whether every server is a backup.
func allBackups(servers []*Server) bool {
	for _, s := range servers {
		if !s.Backup {
			return false
		}
	}
	return true
}
