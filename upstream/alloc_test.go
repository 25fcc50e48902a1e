package upstream

import (
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// balancerCases is every balancer, configured as the benchmarks and the
// allocation tests use it: eight peers, varied weights.
func balancerCases(t testing.TB) []struct {
	name string
	u    *Upstream
	key  Key
} {
	ss := func(opts ...opt) []*upstreamconf.Server {
		out := servers(3, 1, 2, 1, 4, 1, 1, 2)
		for _, s := range out {
			for _, o := range opts {
				o(s)
			}
		}
		return out
	}
	withBackups := append(ss(down), srv(8, backup), srv(9, backup, weight(2)))
	key := Key{IP: []byte{192, 168, 7, 40}, Hash: []byte("/catalog/item/12345?ref=home")}
	return []struct {
		name string
		u    *Upstream
		key  Key
	}{
		{"round_robin", build(t, roundRobin, nil, ss()...), key},
		{"least_conn", build(t, leastConnB, nil, ss()...), key},
		{"ip_hash", build(t, ipHashB, nil, ss()...), key},
		{"ip_hash_v6", build(t, ipHashB, nil, ss()...), Key{IP: []byte{0x20, 1, 0x0d, 0xb8, 15: 9}}},
		{"hash", build(t, hashB, nil, ss()...), key},
		{"hash_consistent", build(t, chashB, nil, ss()...), key},
		{"random", build(t, randomB, nil, ss()...), key},
		{"random_two", build(t, random2B, nil, ss()...), key},
		{"backups", build(t, roundRobin, nil, withBackups...), key},
		{"single", build(t, roundRobin, nil, srv(0)), key},
	}
}

func TestPickDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, c := range balancerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var tried Tried
			allocs := testing.AllocsPerRun(1000, func() {
				tried.Reset()
				if c.u.Pick(t0, c.key, &tried) == nil {
					t.Fatal("no peer")
				}
			})
			if allocs != 0 {
				t.Errorf("Pick allocates %v times", allocs)
			}
		})
	}
}

// TestRetryPicksDoNotAllocate covers the rehash paths: every pick of a
// request after the first, until nothing is left.
func TestRetryPicksDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, c := range balancerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var tried Tried
			allocs := testing.AllocsPerRun(200, func() {
				tried.Reset()
				for c.u.Pick(t0, c.key, &tried) != nil {
				}
			})
			if allocs != 0 {
				t.Errorf("a request's picks allocate %v times", allocs)
			}
		})
	}
}

func TestHealthAccountingDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	u := build(t, roundRobin, nil, srv(0, maxConns(10)), srv(1))
	p := u.Peers[0]
	allocs := testing.AllocsPerRun(1000, func() {
		if !p.Acquire(t0) {
			t.Fatal("Acquire refused")
		}
		p.Failure(t0)
		p.Success()
		_ = p.Available(t0)
		p.Release()
		u.Revive()
	})
	if allocs != 0 {
		t.Errorf("health accounting allocates %v times", allocs)
	}
}
