package creds

import (
	"os/user"
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

func directive(t *testing.T, src string) *parser.Directive {
	t.Helper()
	tree, err := parser.Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tree[0]
}

func TestReadNotRoot(t *testing.T) {
	u, err := Read(directive(t, "user nobody-such-user;"), 1000)
	if u != nil || err != nil {
		t.Errorf("not root: %v, %v; want the line ignored", u, err)
	}
}

func TestReadRoot(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	g, err := user.LookupGroupId(me.Gid)
	if err != nil {
		t.Skip(err)
	}
	u, err := Read(directive(t, "user "+me.Username+" "+g.Name+";"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if strconv.Itoa(u.UID) != me.Uid || strconv.Itoa(u.GID) != me.Gid || u.Groups[0] != u.GID {
		t.Errorf("got %+v for %s:%s", u, me.Uid, me.Gid)
	}
	for _, tc := range []struct{ src, want string }{
		{"user gw-no-such-user;", `getpwnam("gw-no-such-user") failed`},
		{"user " + me.Username + " gw-no-such-group;", `getgrnam("gw-no-such-group") failed`},
	} {
		if _, err := Read(directive(t, tc.src), 0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s", tc.src, err, tc.want)
		}
	}
}
