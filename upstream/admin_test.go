package upstream

import (
	"testing"
	"time"
)

// Operators' overrides change what the balancers pick, at once.
func TestAdminOverridesPicks(t *testing.T) {
	tests := []struct {
		name  string
		b     func() Balancer
		setup func(u *Upstream)
		want  string
	}{
		{"no override", nil, nil, "a b c a b c"},
		{"drain: no new session", nil, func(u *Upstream) { u.Peers[1].State().SetAdmin(AdminDrain) }, "a c a c a c"},
		{"maint", nil, func(u *Upstream) { u.Peers[2].State().SetAdmin(AdminMaint) }, "a b a b a b"},
		{"back to the configuration", nil, func(u *Upstream) {
			u.Peers[2].State().SetAdmin(AdminMaint)
			u.Peers[2].State().SetAdmin(AdminConfig)
		}, "a b c a b c"},
		{"weight override", nil, func(u *Upstream) {
			if err := u.Peers[0].State().SetWeight(4); err != nil {
				t.Fatal(err)
			}
		}, "a a b a c a a a b a c a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, roundRobin, nil, servers(1, 1, 1)...)
			if tt.setup != nil {
				tt.setup(u)
			}
			n := len(tt.want)/2 + 1
			if got := picks(u, t0, Key{}, n); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// ready overrides the configuration's down and drain.
func TestAdminReadyOverridesConfig(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0), srv(1, down), srv(2, drain))
	if got := picks(u, t0, Key{}, 4); got != "a a a a" {
		t.Fatalf("configured: picks = %q", got)
	}
	u.Peers[1].State().SetAdmin(AdminReady)
	u.Peers[2].State().SetAdmin(AdminReady)
	if got := picks(u, t0, Key{}, 6); got != "a b c a b c" {
		t.Errorf("ready: picks = %q, want a b c a b c", got)
	}
	if u.Peers[1].Down() || u.Peers[2].Drain() {
		t.Errorf("Down/Drain ignore the override")
	}
}

// least_conn weighs connections by the weight in effect.
func TestWeightOverrideLeastConn(t *testing.T) {
	u := build(t, leastConnB, nil, servers(1, 1)...)
	hold(t, u, 0, 2)
	hold(t, u, 1, 1)
	if got := picks(u, t0, Key{}, 1); got != "b" {
		t.Fatalf("equal weights: pick = %q, want b", got)
	}
	if err := u.Peers[0].State().SetWeight(3); err != nil {
		t.Fatal(err)
	}
	// 2/3 < 1/1: a is now the less loaded.
	if got := picks(u, t0, Key{}, 1); got != "a" {
		t.Errorf("a at weight 3: pick = %q, want a", got)
	}
	if err := u.Peers[0].State().SetWeight(-1); err == nil {
		t.Errorf("SetWeight(-1) accepted")
	}
}

// The overrides and counters live in the shared state: a reload that
// keeps the server keeps them; one that drops it forgets them.
func TestOverridesSurviveReload(t *testing.T) {
	store := NewStateStore()
	u1 := build(t, roundRobin, store, servers(1, 1)...)
	u1.Peers[1].State().SetAdmin(AdminMaint)
	if err := u1.Peers[0].State().SetWeight(7); err != nil {
		t.Fatal(err)
	}
	hold(t, u1, 0, 3)
	u1.Peers[0].Failure(t0)
	u1.Peers[0].State().CountSession()

	u2 := build(t, roundRobin, store, servers(1, 1)...)
	store.Retain(u2)
	s := u2.Snapshot(t0.Add(time.Minute))
	a, b := s.Peers[0], s.Peers[1]
	if a.Weight != 7 || a.ConfigWeight != 1 || a.Requests != 3 || a.Failures != 1 || a.Sessions != 1 || a.Active != 3 {
		t.Errorf("a after reload: %+v", a)
	}
	if b.Admin != AdminMaint || !b.Down || b.Available {
		t.Errorf("b after reload: %+v", b)
	}

	u3 := build(t, roundRobin, store, servers(1)...)
	store.Retain(u3)
	u4 := build(t, roundRobin, store, servers(1, 1)...)
	if s := u4.Peers[1].Snapshot(t0); s.Admin != AdminConfig || s.Requests != 0 {
		t.Errorf("a server dropped and added back kept its state: %+v", s)
	}
}

func TestSnapshotStates(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0), srv(1, backup), srv(2, maxFails(1)))
	u.Peers[2].Failure(t0)
	s := u.Snapshot(t0)
	if s.Name != "u" || len(s.Peers) != 3 {
		t.Fatalf("snapshot = %+v", s)
	}
	if p := s.Peers[1]; !p.Backup || p.Addr != "10.0.0.2:80" || p.Index != 1 {
		t.Errorf("backup peer: %+v", p)
	}
	if p := s.Peers[2]; !p.Failed || p.Available || p.Fails != 1 {
		t.Errorf("failed peer: %+v", p)
	}
	if p := s.Peers[0]; p.Failed || !p.Available || p.Down || p.Drain {
		t.Errorf("healthy peer: %+v", p)
	}
	n := 0
	NewStateStore().Each(func(string, string, *PeerState) { n++ })
	if n != 0 {
		t.Errorf("empty store iterated %d servers", n)
	}
}

func TestParseAdmin(t *testing.T) {
	for _, a := range []Admin{AdminConfig, AdminReady, AdminDrain, AdminMaint} {
		got, err := ParseAdmin(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAdmin(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := ParseAdmin("up"); err == nil {
		t.Errorf("ParseAdmin(up) accepted")
	}
}
