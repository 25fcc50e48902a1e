package conf

import (
	"fmt"
	"net/netip"
	"strings"
)

// CheckServerNames applies nginx's rules for the names of the servers that
// share one listen address (ngx_http_server_names and ngx_hash_add_key),
// address by address in order of first appearance and server by server in
// the order they listen there:
//   - a name with an empty label ("ex..ample.com") is an error, reported
//     with the address as nginx reports it;
//   - a name another server on the address already has is a warning,
//     `conflicting server name "x" on 0.0.0.0:80, ignored`, and the first
//     server keeps it. ".x" also claims "x", so ".x" and "x" conflict both
//     ways; "*.x" and ".x" are one wildcard; two servers without a name
//     conflict on "". Regex names never conflict: nginx tries them in order.
//
// It returns the warnings, in order. Build runs it on every configuration;
// location builds its name lookups from the checked names and keeps the
// first server of a name without checking again.
func CheckServerNames(servers []*Server) (warnings []Notice, err error) {
	var order []netip.AddrPort
	byAddr := make(map[netip.AddrPort][]*Server)
	for _, srv := range servers {
		for _, l := range srv.Listens {
			if byAddr[l.Addr] == nil {
				order = append(order, l.Addr)
			}
			byAddr[l.Addr] = append(byAddr[l.Addr], srv)
		}
	}
	for _, addr := range order {
		c := nameClaims{exact: map[string]bool{}, head: map[string]bool{}, tail: map[string]bool{}}
		for _, srv := range byAddr[addr] {
			names := srv.Names
			if len(names) == 0 {
				// Build gives every server a name; a server made in code
				// may have none, which nginx takes as "".
				names = []ServerName{{Pos: srv.Pos}}
			}
			for _, n := range names {
				if n.Kind == NameRegex {
					continue
				}
				if strings.Contains(n.Name, "..") {
					return nil, errorAt(n.Pos, "invalid server name or wildcard %q on %s", n.Name, addr)
				}
				if !c.claim(n.Name) {
					warnings = append(warnings, Notice{Pos: n.Pos,
						Msg: fmt.Sprintf("conflicting server name %q on %s, ignored", n.Name, addr)})
				}
			}
		}
	}
	return warnings, nil
}

// nameClaims are the names taken on one address, by kind of lookup.
type nameClaims struct {
	exact map[string]bool // exact names, and x for .x
	head  map[string]bool // ".x" for .x and *.x
	tail  map[string]bool // "www" for www.*
}

// claim takes name (lower-case, valid) and reports false when it was
// taken already.
func (c *nameClaims) claim(name string) bool {
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
