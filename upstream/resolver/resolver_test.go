package resolver_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/gw-proxy/gw/upstream/resolver"
	"github.com/gw-proxy/gw/upstream/resolver/resolvertest"
)

func TestLookup(t *testing.T) {
	ns := resolvertest.Start(t, map[string][]netip.Addr{
		"app.test":   {netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.1")},
		"empty.test": nil,
	}, 60)
	for _, tc := range []struct {
		name string
		ipv6 bool
		want string
		code resolver.Code
	}{
		{"app.test", true, "[127.0.0.2 127.0.0.1 ::1]", 0},
		{"APP.test.", false, "[127.0.0.2 127.0.0.1]", 0},
		{"nowhere.test", true, "", resolver.HostNotFound},
		{"empty.test", true, "", resolver.HostNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := resolver.New([]string{ns.Addr}, 0, true, tc.ipv6)
			addrs, err := r.Lookup(context.Background(), tc.name)
			var re *resolver.Error
			if tc.code != 0 {
				if !errors.As(err, &re) || re.Code != tc.code {
					t.Fatalf("err %v, want code %d", err, tc.code)
				}
				return
			}
			if err != nil || fmtAddrs(addrs) != tc.want {
				t.Fatalf("%v %v, want %s", addrs, err, tc.want)
			}
		})
	}
}

func fmtAddrs(a []netip.Addr) string {
	s := "["
	for i, x := range a {
		if i > 0 {
			s += " "
		}
		s += x.String()
	}
	return s + "]"
}

// TestAnswersAreKept: a second lookup within the TTL asks nobody; valid=
// replaces the TTL.
func TestAnswersAreKept(t *testing.T) {
	ns := resolvertest.Start(t, map[string][]netip.Addr{"app.test": {netip.MustParseAddr("127.0.0.1")}}, 60)
	r := resolver.New([]string{ns.Addr}, 0, true, false)
	for range 3 {
		if _, err := r.Lookup(context.Background(), "app.test"); err != nil {
			t.Fatal(err)
		}
	}
	if n := ns.Queries(); n != 1 {
		t.Errorf("%d queries for three lookups within the TTL, want 1", n)
	}
	short := resolver.New([]string{ns.Addr}, time.Millisecond, true, false)
	_, _ = short.Lookup(context.Background(), "app.test")
	deadline := time.Now().Add(5 * time.Second)
	for ns.Queries() < 3 && time.Now().Before(deadline) {
		_, _ = short.Lookup(context.Background(), "app.test")
	}
	if ns.Queries() < 3 {
		t.Errorf("valid=1ms kept the answer")
	}
}

// TestTimeout: a server that never answers fails the lookup with nginx's
// 110 when the caller's time (resolver_timeout) is up.
func TestTimeout(t *testing.T) {
	r := resolver.New([]string{"127.0.0.1:9"}, 0, true, false) // discard: no answer
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := r.Lookup(ctx, "app.test")
	if err == nil || err.Error() != "110: Operation timed out" {
		t.Fatalf("err %v", err)
	}
}
