package upstream

import (
	"math"
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// fixedDraws makes u's random balancer draw vals in turn, cycling.
func fixedDraws(t *testing.T, u *Upstream, vals ...uint64) {
	t.Helper()
	r, ok := u.balancer.(*random)
	if !ok {
		t.Fatalf("balancer is %T", u.balancer)
	}
	i := 0
	r.rand = func() uint64 {
		v := vals[i%len(vals)]
		i++
		return v
	}
}

func TestRandomDraws(t *testing.T) {
	tests := []struct {
		name    string
		bal     upstreamconf.Balancer
		servers []*upstreamconf.Server
		conns   []int
		draws   []uint64
		want    string
	}{
		{"draws map onto weight ranges", randomB, servers(2, 1, 3), nil, []uint64{0, 1, 2, 3, 5, 6}, "a a b c c a"},
		{"unusable draw is redrawn", randomB, []*upstreamconf.Server{srv(0), srv(1, down), srv(2, drain), srv(3)}, nil, []uint64{1, 2, 3}, "d"},
		{"21 unusable draws: round robin", randomB, []*upstreamconf.Server{srv(0, down), srv(1), srv(2)}, nil, []uint64{0}, "b c b"},
		{"two: the less loaded of two draws", random2B, servers(1, 1, 1), []int{3, 0, 1}, []uint64{0, 2}, "c c"},
		{"two: a repeated draw is redrawn", random2B, servers(1, 1, 1), []int{3, 0, 1}, []uint64{0, 0, 1}, "b b"},
		{"two: load is relative to weight", random2B, servers(3, 1), []int{2, 1}, []uint64{0, 3}, "a a"},
		{"two: a tie goes to the second draw", random2B, servers(1, 1), []int{1, 1}, []uint64{0, 1}, "b b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, tt.bal, nil, tt.servers...)
			for i, n := range tt.conns {
				hold(t, u, i, n)
			}
			fixedDraws(t, u, tt.draws...)
			if got := picks(u, t0, Key{}, len(splitSeq(tt.want))); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRandomTwoPrefersIdle: with the real generator and two peers, random
// two always compares both and so always takes the idle one.
func TestRandomTwoPrefersIdle(t *testing.T) {
	u := build(t, random2B, nil, servers(1, 1)...)
	hold(t, u, 0, 1)
	if got := counts(u, t0, 1000, noKey); got["b"] != 1000 {
		t.Errorf("counts = %v, want all on b", got)
	}
}

// TestRandomDistribution: the real generator follows the weights (within
// 10% over 30,000 draws) and never draws an unusable peer.
func TestRandomDistribution(t *testing.T) {
	ss := servers(1, 2, 3, 1)
	ss[3].Down = true
	u := build(t, randomB, nil, ss...)
	const n = 30000
	got := counts(u, t0, n, noKey)
	for i, w := range []int{1, 2, 3} {
		share := float64(n) * float64(w) / 6
		if c := float64(got[string(rune('a'+i))]); math.Abs(c-share) > 0.1*share {
			t.Errorf("peer %c drawn %v times, weighted share %v", 'a'+i, c, share)
		}
	}
	if got["d"] != 0 {
		t.Errorf("down peer drawn %d times", got["d"])
	}
}
