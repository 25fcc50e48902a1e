package upstream

import (
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Validate checks what depends on several directives of the upstream
// block d once the whole block is read, so that, unlike in nginx, the order
// of the directives inside does not matter, and sets Check from the check
// directives.
func (u *Config) Validate(d *parser.Directive) error {
	if len(u.Servers) == 0 {
		return parser.Errorf(d.Pos, "no servers are inside upstream")
	}
	if !u.Balancer.supportsBackup() {
		if a := findArg(d, isBackupOrSlowStart); a != nil {
			return parser.Errorf(a.Pos, "balancing method does not support parameter %q", a.Value)
		}
	}
	if u.Store != nil && u.Learn == nil {
		return parser.Errorf(u.Store.Pos, "\"sticky_store\" requires \"sticky learn\" in upstream %q", u.Name)
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
	c, err := u.checks.Config()
	u.Check = c
	return err
}

// findArg returns the first parameter of a server directive of block d
// for which match is true, so that an error points at the word itself; nil
// when there is none.
func findArg(d *parser.Directive, match func(v string) bool) *parser.Arg {
	for _, s := range d.Block {
		if s.Name != "server" {
			continue
		}
		for i := 1; i < len(s.Args); i++ {
			if match(s.Args[i].Value) {
				return &s.Args[i]
			}
		}
	}
	return nil
}

// isBackupOrSlowStart matches the server parameters hash, ip_hash and
// random do not support.
func isBackupOrSlowStart(v string) bool {
	return v == "backup" || strings.HasPrefix(v, "slow_start=")
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
