package upstream

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

func TestSplitChashName(t *testing.T) {
	tests := []struct{ name, host, port string }{
		{"10.0.0.1:80", "10.0.0.1", "80"},
		{"backend:8080", "backend", "8080"},
		{"backend", "backend", ""},
		{"[::1]:443", "[::1]", "443"},
		{"[::1]", "[::1]", ""},
		{"a:b", "a:b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h, p := splitChashName(tt.name); h != tt.host || p != tt.port {
				t.Errorf("split = %q, %q; want %q, %q", h, p, tt.host, tt.port)
			}
		})
	}
}

// TestChashRingPoints: the ring has nginx's points,
// crc32(HOST "\0" PORT PREV) chained 160 times per weight unit.
func TestChashRingPoints(t *testing.T) {
	u := build(t, chashB, nil, srv(0, weight(2)), srv(1))
	c := u.balancer.(*chash)
	if len(c.points) != 3*160 {
		t.Fatalf("%d points, want 480", len(c.points))
	}
	want := make([]uint32, 0, 320)
	var prev [4]byte
	for range 320 {
		h := crc32.ChecksumIEEE(append([]byte("10.0.0.1\x0080"), prev[:]...))
		want = append(want, h)
		binary.LittleEndian.PutUint32(prev[:], h)
	}
	for _, h := range want {
		i, ok := slices.BinarySearchFunc(c.points, h, func(p chashPoint, h uint32) int { return cmp.Compare(p.hash, h) })
		if !ok || c.points[i].group != 0 {
			t.Fatalf("point %08x of 10.0.0.1:80 missing", h)
		}
	}
}

// TestChashRemovalMovesOnlyItsKeys: removing one of 5 servers moves about a
// fifth of the keys, all of them from the removed server; marking it down
// does the same.
func TestChashRemovalMovesOnlyItsKeys(t *testing.T) {
	const n, keys = 5, 10000
	all := servers(1, 1, 1, 1, 1)
	before := build(t, chashB, nil, all...)
	for gone := range n {
		rest := slices.Delete(slices.Clone(all), gone, gone+1)
		downed := servers(1, 1, 1, 1, 1)
		downed[gone].Down = true
		removed, down := build(t, chashB, nil, rest...), build(t, chashB, nil, downed...)
		for _, v := range []struct {
			name string
			u    *Upstream
		}{{"removed", removed}, {"down", down}} {
			moved := 0
			for i := range keys {
				k := hashKey(fmt.Sprintf("key-%d", i))
				var t1, t2 Tried
				a, b := before.Pick(t0, k, &t1), v.u.Pick(t0, k, &t2)
				if a.Addr == b.Addr {
					continue
				}
				moved++
				if a.Index() != gone {
					t.Fatalf("%s %c: key %d moved between survivors %s -> %s", v.name, 'a'+gone, i, a.Addr, b.Addr)
				}
			}
			if f := float64(moved) / keys; f < 1.0/n-0.05 || f > 1.0/n+0.05 {
				t.Errorf("%s %c: %.3f of keys moved, want 0.2±0.05", v.name, 'a'+gone, f)
			}
		}
		// A down server's keys go to the next point's server: exactly where
		// the ring without its points sends them.
		for i := range keys {
			k := hashKey(fmt.Sprintf("key-%d", i))
			var t1, t2 Tried
			if a, b := removed.Pick(t0, k, &t1), down.Pick(t0, k, &t2); a.Addr != b.Addr {
				t.Fatalf("%c: key %d goes to %s when removed, %s when down", 'a'+gone, i, a.Addr, b.Addr)
			}
		}
	}
}

// TestChashNameGroups: the addresses of one server name share its points
// and take its keys in turn.
func TestChashNameGroups(t *testing.T) {
	ss := func() []*upstreamconf.Server {
		return []*upstreamconf.Server{srv(0, named("app:80")), srv(1, named("app:80")), srv(2, named("db:80"))}
	}
	u := build(t, chashB, nil, ss()...)
	if g := u.balancer.(*chash).groups; len(g) != 2 || len(g[0]) != 2 {
		t.Fatalf("groups = %v, want [[0 1] [2]]", g)
	}
	probe := build(t, chashB, nil, ss()...) // finding the key moves probe's round robin, not u's
	var key Key
	for i := 0; ; i++ {
		key = hashKey(fmt.Sprint(i))
		var tried Tried
		if probe.Pick(t0, key, &tried).Index() != 2 {
			break
		}
	}
	if got, want := picks(u, t0, key, 4), "a b a b"; got != want {
		t.Errorf("picks = %q, want %q", got, want)
	}
}

func TestChashRetryAndEmptyKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		seq  func(Balancer, Key) string
		want func(string) bool
	}{
		{"retries visit every server once", "k", func(b Balancer, k Key) string { return retries(b, t0, k, 4) },
			func(s string) bool { return len(s) == 7 && s[6] == '-' && s[0] != s[2] && s[0] != s[4] && s[2] != s[4] }},
		{"empty key is round robin", "", func(b Balancer, k Key) string { return picks(b, t0, k, 3) },
			func(s string) bool { return s == "a b c" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, chashB, nil, servers(1, 1, 1)...)
			if got := tt.seq(u, hashKey(tt.key)); !tt.want(got) {
				t.Errorf("got %q", got)
			}
		})
	}
}
