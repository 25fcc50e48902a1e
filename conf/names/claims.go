// Package names reads server_name's names (their kinds, nginx's checks,
// the $server_name they give) and holds nginx's rules for names that
// share a listen address (ngx_hash_add_key): which names collide. conf
// uses it to warn about a name two servers claim; the name lookups
// themselves are location's.
package names

import "strings"

// Claims are the server names taken on one address, by kind of lookup.
type Claims struct {
	exact map[string]bool // exact names, and x for .x
	head  map[string]bool // ".x" for .x and *.x
	tail  map[string]bool // "www" for www.*
}

// NewClaims returns the claims of an address with no name taken yet.
func NewClaims() *Claims {
	return &Claims{exact: map[string]bool{}, head: map[string]bool{}, tail: map[string]bool{}}
}

// Claim takes name (lower-case, valid, not a regex) and reports false when
// it was taken already: ".x" also claims "x", so ".x" and "x" collide both
// ways, and "*.x" and ".x" are one wildcard.
func (c *Claims) Claim(name string) bool {
	switch {
	case len(name) > 1 && name[0] == '.':
		// nginx adds the exact part first and keeps it even when the
		// wildcard part then conflicts.
		return take(c.exact, name[1:]) && take(c.head, name)
	case strings.HasPrefix(name, "*."):
		return take(c.head, name[1:])
	case strings.HasSuffix(name, ".*"):
		return take(c.tail, name[:len(name)-2])
	default:
		return take(c.exact, name)
	}
}

// take adds key to m unless it is there.
func take(m map[string]bool, key string) bool {
	if m[key] {
		return false
	}
	m[key] = true
	return true
}
