// Package creds reads nginx's `user name [group];`: the account gw runs as
// once it has bound its listeners and opened its logs as root.
package creds

import (
	"fmt"
	"os/user"
	"strconv"

	"github.com/gw-proxy/gw/parser"
)

// User is the account a root gw drops to.
type User struct {
	Name, Group string
	UID, GID    int
	// Groups are the supplementary groups, the user's in the group
	// database, as nginx's initgroups() sets them.
	Groups []int
}

// Ignored is nginx's warning for a `user` line when gw is not root.
const Ignored = `the "user" directive makes sense only if the master process runs with super-user privileges, ignored`

// Read reads the directive. As nginx, it looks the names up only when
// euid is 0, and then refuses an unknown user or group; otherwise the line
// means nothing and Read returns nil and no error (the caller warns with
// Ignored). A missing group is the group of the user's name, as nginx's.
func Read(d *parser.Directive, euid int) (*User, error) {
	if euid != 0 {
		return nil, nil
	}
	name := d.Args[0].Value
	group := name
	if len(d.Args) > 1 {
		group = d.Args[1].Value
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, parser.Errorf(d.Pos, "getpwnam(%q) failed", name)
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return nil, parser.Errorf(d.Pos, "getgrnam(%q) failed", group)
	}
	out := &User{Name: name, Group: group}
	if out.UID, err = strconv.Atoi(u.Uid); err != nil {
		return nil, parser.Errorf(d.Pos, "user %q has no numeric uid", name)
	}
	if out.GID, err = strconv.Atoi(g.Gid); err != nil {
		return nil, parser.Errorf(d.Pos, "group %q has no numeric gid", group)
	}
	out.Groups = []int{out.GID}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if n, err := strconv.Atoi(id); err == nil && n != out.GID {
				out.Groups = append(out.Groups, n)
			}
		}
	}
	return out, nil
}

// String is the account as the user line names it.
func (u *User) String() string { return fmt.Sprintf("%s:%s (%d:%d)", u.Name, u.Group, u.UID, u.GID) }
