package upstream

import (
	"testing"
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

func TestPeerAvailable(t *testing.T) {
	sec := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Second))) }
	tests := []struct {
		name   string
		server *upstreamconf.Server
		setup  func(u *Upstream)
		at     time.Time
		want   bool
	}{
		{"fresh peer", srv(0), nil, t0, true},
		{"down", srv(0, down), nil, t0, false},
		{"drain is still available (for sticky)", srv(0, drain), nil, t0, true},
		{"put in maintenance", srv(0), func(u *Upstream) { u.Peers[0].State().SetAdmin(AdminMaint) }, t0, false},
		{"configured down, set ready", srv(0, down), func(u *Upstream) { u.Peers[0].State().SetAdmin(AdminReady) }, t0, true},
		{"drain override is still available", srv(0), func(u *Upstream) { u.Peers[0].State().SetAdmin(AdminDrain) }, t0, true},
		{"below max_conns", srv(0, maxConns(2)), func(u *Upstream) { hold(t, u, 0, 1) }, t0, true},
		{"at max_conns", srv(0, maxConns(2)), func(u *Upstream) { hold(t, u, 0, 2) }, t0, false},
		{"fewer failures than max_fails", srv(0, maxFails(2)), func(u *Upstream) { fail(u, 0, 1, t0) }, t0, true},
		{"max_fails reached", srv(0, maxFails(2)), func(u *Upstream) { fail(u, 0, 2, t0) }, sec(1), false},
		{"fail_timeout not yet passed (inclusive)", srv(0), func(u *Upstream) { fail(u, 0, 1, t0) }, sec(10), false},
		{"fail_timeout passed", srv(0), func(u *Upstream) { fail(u, 0, 1, t0) }, sec(10.001), true},
		{"window counts from the last failure", srv(0, maxFails(2)), func(u *Upstream) {
			fail(u, 0, 1, t0)
			fail(u, 0, 1, sec(5))
		}, sec(12), false},
		{"shorter fail_timeout", srv(0, failTimeout(time.Second)), func(u *Upstream) { fail(u, 0, 1, t0) }, sec(1.5), true},
		{"max_fails=0 disables accounting", srv(0, maxFails(0)), func(u *Upstream) { fail(u, 0, 100, t0) }, t0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A second server: a lone server is never failed (see below).
			u := build(t, roundRobin, nil, tt.server, srv(1))
			if tt.setup != nil {
				tt.setup(u)
			}
			if got := u.Peers[0].Available(tt.at); got != tt.want {
				t.Errorf("Available = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSinglePeerNeverFails: nginx ignores max_fails for an upstream's only
// server, which would otherwise turn every error into a 502 for a while;
// with a backup, the primary is no longer single.
func TestSinglePeerNeverFails(t *testing.T) {
	tests := []struct {
		name    string
		servers []*upstreamconf.Server
		want    bool
	}{
		{"only server", []*upstreamconf.Server{srv(0)}, true},
		{"only primary, with a backup", []*upstreamconf.Server{srv(0), srv(1, backup)}, false},
		{"one of two", []*upstreamconf.Server{srv(0), srv(1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, roundRobin, nil, tt.servers...)
			disabled := u.Peers[0].Failure(t0)
			if got := u.Peers[0].Available(t0); got != tt.want || disabled == tt.want {
				t.Errorf("Available = %v, Failure disabled = %v; want available %v", got, disabled, tt.want)
			}
		})
	}
}

// TestPassiveHealthProbe walks nginx's recovery: after fail_timeout one
// request is let through as a probe; others wait for its outcome.
func TestPassiveHealthProbe(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0, maxFails(2)), srv(1))
	p := u.Peers[0]
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	steps := []struct {
		name      string
		act       func()
		at        time.Time
		available bool
		fails     int64
	}{
		{"first failure", func() { p.Failure(at(0)) }, at(0), true, 1},
		{"a success inside the window keeps the count", func() { p.Acquire(at(1)); p.Success(); p.Release() }, at(1), true, 1},
		{"second failure disables", func() { p.Failure(at(2)) }, at(2), false, 2},
		{"still out at the end of fail_timeout", nil, at(12), false, 2},
		{"back after fail_timeout", nil, at(13), true, 2},
		{"the probe is acquired: others wait", func() { p.Acquire(at(13)) }, at(13), false, 2},
		{"the probe fails: out for another fail_timeout", func() { p.Failure(at(14)); p.Release() }, at(20), false, 3},
		{"next probe succeeds: count reset", func() { p.Acquire(at(25)); p.Success(); p.Release() }, at(25), true, 0},
	}
	for _, s := range steps {
		if s.act != nil {
			s.act()
		}
		if got := p.Available(s.at); got != s.available || p.State().Fails() != s.fails {
			t.Fatalf("%s: available %v fails %d, want %v %d", s.name, got, p.State().Fails(), s.available, s.fails)
		}
	}
}

func TestFailureReportsDisabled(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0, maxFails(3)), srv(1, maxFails(0)))
	for i, want := range []bool{false, false, true, true} {
		if got := u.Peers[0].Failure(t0); got != want {
			t.Errorf("failure %d: disabled = %v, want %v", i+1, got, want)
		}
	}
	if u.Peers[1].Failure(t0) {
		t.Error("max_fails=0: Failure reported disabled")
	}
}

func TestAcquireRespectsMaxConns(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0, maxConns(2)), srv(1))
	p := u.Peers[0]
	got := []bool{p.Acquire(t0), p.Acquire(t0), p.Acquire(t0)}
	if !got[0] || !got[1] || got[2] {
		t.Fatalf("Acquire x3 = %v, want [true true false]", got)
	}
	if c := p.State().Conns(); c != 2 {
		t.Fatalf("conns = %d, want 2", c)
	}
	p.Release()
	if !p.Acquire(t0) {
		t.Error("Acquire after Release refused")
	}
}

func TestEffectiveWeightBounds(t *testing.T) {
	tests := []struct {
		name          string
		weight, fails int
		maxFails      int
		want          int64
	}{
		{"no failure", 5, 0, 1, 5},
		{"one failure of max_fails 5 costs weight/5", 5, 1, 5, 4},
		{"never below zero", 5, 9, 5, 0},
		{"weight smaller than max_fails costs nothing", 2, 1, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, roundRobin, nil, srv(0, weight(tt.weight), maxFails(tt.maxFails)), srv(1))
			fail(u, 0, tt.fails, t0)
			if got, _ := u.Peers[0].effectiveWeight(); got != tt.want {
				t.Errorf("effective weight = %d, want %d", got, tt.want)
			}
		})
	}
}
