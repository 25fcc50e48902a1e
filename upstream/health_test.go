package upstream

import (
	"testing"
	"time"
)

// Tengine's rule: fall consecutive failures take a server down, rise
// consecutive successes bring it back; an interleaved result restarts the
// count.
func TestCheckResultRiseFall(t *testing.T) {
	u := build(t, roundRobin, nil, servers(1, 1)...)
	s := u.Peers[0].State()
	s.StartChecks(false, t0)
	steps := []struct {
		ok   bool
		want int // transition
		down bool
	}{
		{false, 0, false}, {false, 0, false}, {true, 0, false}, // the success restarts the fall count
		{false, 0, false}, {false, 0, false}, {false, -1, true},
		{false, 0, true}, {true, 0, true}, {false, 0, true}, {true, 0, true}, {true, +1, false},
		{true, 0, false},
	}
	for i, st := range steps {
		now := t0.Add(time.Duration(i) * time.Second)
		if got := s.CheckResult(st.ok, "HTTP 503", 2, 3, now); got != st.want {
			t.Fatalf("step %d: transition %d, want %d", i, got, st.want)
		}
		if h := s.Health(); h.Down != st.down || !h.LastCheck.Equal(now) {
			t.Fatalf("step %d: health %+v, want down %v", i, h, st.down)
		}
		if avail := u.Peers[0].Available(now); avail == st.down {
			t.Fatalf("step %d: Available %v while down %v", i, avail, st.down)
		}
	}
	if got := picks(u, t0, Key{}, 2); got != "a b" {
		t.Errorf("picks after recovery %q", got)
	}
}

func TestStartAndStopChecks(t *testing.T) {
	u := build(t, roundRobin, nil, servers(1, 1)...)
	s := u.Peers[0].State()
	s.StartChecks(true, t0) // default_down: out until it passes
	if u.Peers[0].Available(t0) || !s.Health().Checked {
		t.Fatal("default_down server is available")
	}
	if got := picks(u, t0, Key{}, 3); got != "b b b" {
		t.Errorf("picks %q with a down by check", got)
	}
	s.StartChecks(false, t0) // a reload that keeps checking keeps the verdict
	if !s.Health().Down {
		t.Error("StartChecks again reset the verdict")
	}
	s.CheckResult(false, "connect() failed", 2, 3, t0)
	if h := s.Health(); h.Reason != "connect() failed" || h.Fall != 1 {
		t.Errorf("health %+v", h)
	}
	s.StopChecks()
	if h := s.Health(); h.Checked || h.Down || !u.Peers[0].Available(t0) {
		t.Errorf("after StopChecks: %+v", h)
	}
}

// slow_start ramps a recovered server's weight from 1 to its weight.
func TestSlowStartWeight(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0, weight(10)))
	p := u.Peers[0]
	p.slowStart = int64(10 * time.Second)
	if p.Weight() != 10 {
		t.Fatalf("weight %d before any recovery", p.Weight())
	}
	s := p.State()
	now := time.Now()
	s.health.upSince.Store(now.Add(-5 * time.Second).UnixNano())
	if w := p.Weight(); w < 4 || w > 6 {
		t.Errorf("half way through the ramp: weight %d, want about 5", w)
	}
	s.health.upSince.Store(now.Add(-time.Hour).UnixNano())
	if w := p.Weight(); w != 10 || s.health.upSince.Load() != 0 {
		t.Errorf("after the ramp: weight %d, upSince %d", w, s.health.upSince.Load())
	}
	s.health.upSince.Store(now.UnixNano())
	if w := p.Weight(); w != 1 {
		t.Errorf("just recovered: weight %d, want 1", w)
	}
}
