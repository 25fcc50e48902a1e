package conf

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gw-proxy/gw/conf/names"
)

// CheckServerNames applies nginx's rules for the names of the servers that
// share one listen address (ngx_http_server_names and ngx_hash_add_key),
// address by address in order of first appearance and server by server in
// the order they listen there:
//   - a name with an empty label ("ex..ample.com") is an error, reported
//     with the address as nginx reports it;
//   - a name another server on the address already has (conf/names) is a
//     warning, `conflicting server name "x" on 0.0.0.0:80, ignored`, and
//     the first server keeps it; two servers without a name conflict on "".
//     Regex names never conflict: nginx tries them in order.
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
		c := names.NewClaims()
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
				if !c.Claim(n.Name) {
					warnings = append(warnings, Notice{Pos: n.Pos,
						Msg: fmt.Sprintf("conflicting server name %q on %s, ignored", n.Name, addr)})
				}
			}
		}
	}
	return warnings, nil
}
