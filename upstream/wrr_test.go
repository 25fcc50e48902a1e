package upstream

import (
	"testing"
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

func TestWRRSequence(t *testing.T) {
	tests := []struct {
		name    string
		servers []*upstreamconf.Server
		want    string
	}{
		{"5:1:1 gives a a b a c a a, and again", servers(5, 1, 1), "a a b a c a a a a b a c a a"},
		{"1:1:1 rotates in order", servers(1, 1, 1), "a b c a b c"},
		{"2:1 interleaves the light peer", servers(2, 1), "a b a a b a"},
		{"single peer always", servers(1), "a a a"},
		{"down peer takes no turn", []*upstreamconf.Server{srv(0, weight(5)), srv(1), srv(2, down)}, "a a a b a a"},
		{"drain peer takes no new session", []*upstreamconf.Server{srv(0, weight(5)), srv(1), srv(2, drain)}, "a a a b a a"},
		{"all down gives nothing", []*upstreamconf.Server{srv(0, down), srv(1, down)}, "- -"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, roundRobin, nil, tt.servers...)
			n := len(splitSeq(tt.want))
			if got := picks(u, t0, Key{}, n); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWRRContinuesSmoothly: a peer that fails mid-sequence leaves the
// others' current weights where they were, and comes back with the
// effective weight nginx gives a recovering peer.
func TestWRRContinuesSmoothly(t *testing.T) {
	u := build(t, roundRobin, nil, servers(5, 1, 1)...)
	steps := []struct {
		name string
		at   time.Time
		act  func()
		want string
	}{
		{"start of 5:1:1", t0, nil, "a a b"},
		{"c failed: a and b go on 5:1 from their weights", t0, func() { fail(u, 2, 1, t0) }, "a a a a a b"},
		{"c back after fail_timeout with effective weight 0", t0.Add(11 * time.Second), nil, "a a c a a a b"},
	}
	for _, s := range steps {
		if s.act != nil {
			s.act()
		}
		if got := picks(u, s.at, Key{}, len(splitSeq(s.want))); got != s.want {
			t.Fatalf("%s: picks = %q, want %q", s.name, got, s.want)
		}
	}
}

// TestWRREffectiveWeight: failures below max_fails keep the peer in but
// lower its effective weight by weight/max_fails, which then recovers one
// step per round (nginx's ngx_http_upstream_free_round_robin_peer).
func TestWRREffectiveWeight(t *testing.T) {
	tests := []struct {
		name  string
		fails int
		want  string
	}{
		{"3:1 without failures", 0, "a a b a a a b a"},
		{"two failures of 3 leave effective weight 1", 2, "a b a a a b a a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, roundRobin, nil, srv(0, weight(3), maxFails(3)), srv(1))
			fail(u, 0, tt.fails, t0)
			if got := picks(u, t0, Key{}, 8); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWRRRetriesGoElsewhere(t *testing.T) {
	u := build(t, roundRobin, nil, servers(1, 1, 1)...)
	if got, want := retries(u, t0, Key{}, 4), "a b c -"; got != want {
		t.Errorf("retries = %q, want %q", got, want)
	}
}

func splitSeq(s string) []string {
	var out []string
	for i := 0; i < len(s); i += 2 {
		out = append(out, s[i:i+1])
	}
	return out
}
