package upstream

import (
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

func TestLeastConn(t *testing.T) {
	tests := []struct {
		name    string
		servers []*upstreamconf.Server
		conns   []int
		want    string
	}{
		{"idle upstream is smooth round robin", servers(5, 1, 1), []int{0, 0, 0}, "a a b a c a a"},
		{"fewest connections wins", servers(1, 1, 1), []int{2, 0, 1}, "b b b"},
		{"equally loaded peers take turns", servers(1, 1, 1), []int{2, 1, 1}, "b c b c"},
		{"load is relative to weight", servers(3, 1), []int{2, 1}, "a a a"},
		{"heavier peer carries more before it loses", servers(2, 1), []int{3, 1}, "b b b"},
		{"ties by weight ratio use the weights", servers(2, 1, 1), []int{2, 1, 5}, "a b a a b a"},
		{"unavailable least loaded peer is skipped", []*upstreamconf.Server{srv(0, down), srv(1), srv(2)}, []int{0, 3, 2}, "c c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, leastConnB, nil, tt.servers...)
			for i, n := range tt.conns {
				hold(t, u, i, n)
			}
			if got := picks(u, t0, Key{}, len(splitSeq(tt.want))); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLeastConnFollowsAcquire: each acquired connection counts at once, so
// requests that stay open spread over the peers.
func TestLeastConnFollowsAcquire(t *testing.T) {
	u := build(t, leastConnB, nil, servers(1, 2, 1)...)
	var got []byte
	for range 8 {
		var tried Tried
		p := u.Pick(t0, Key{}, &tried)
		if !p.Acquire(t0) {
			t.Fatal("Acquire refused")
		}
		got = append(got, letter(p)[0], ' ')
	}
	// b (weight 2) takes two connections for each of a's and c's.
	if want := "b a c b c a b b "; string(got) != want {
		t.Errorf("picks = %q, want %q", got, want)
	}
	for i, want := range []int64{2, 4, 2} {
		u.Peers[i].Release()
		u.Peers[i].Release()
		if c := u.Peers[i].State().Conns(); c != want-2 {
			t.Errorf("peer %d conns after two releases = %d, want %d", i, c, want-2)
		}
	}
}
