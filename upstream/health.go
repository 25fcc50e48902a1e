package upstream

import (
	"sync/atomic"
	"time"
)

// The verdict of active health checks lives in the PeerState, beside
// passive health, so that it outlives the reloads that keep the server.
// One checker per server writes it (package upstream/health); the hot path
// only reads checkDown, and the status page reads the rest.

// healthState is what active checks have found of one server.
type healthState struct {
	checked    atomic.Bool  // a checker runs for the server
	down       atomic.Bool  // held out of service by the checks
	rise, fall atomic.Int32 // consecutive successes, failures
	lastCheck  atomic.Int64 // Unix ns of the last probe's end
	lastChange atomic.Int64 // Unix ns of the last transition
	upSince    atomic.Int64 // Unix ns of the last return to service, while slow_start ramps
	reason     atomic.Pointer[string]
}

// Health is what active health checks know of a server, for a status page.
type Health struct {
	Checked    bool      // checks run for the server
	Down       bool      // held out of service by them
	Rise, Fall int       // consecutive successes, failures, as Tengine counts them
	LastCheck  time.Time // zero before the first probe ends
	LastChange time.Time // the last transition (or the start of checking)
	Reason     string    // why the last probe failed ("" after a success)
}

// Health returns the active-health state of the server.
func (s *PeerState) Health() Health {
	h := &s.health
	out := Health{
		Checked: h.checked.Load(), Down: h.down.Load(),
		Rise: int(h.rise.Load()), Fall: int(h.fall.Load()),
		LastCheck: unixTime(h.lastCheck.Load()), LastChange: unixTime(h.lastChange.Load()),
	}
	if r := h.reason.Load(); r != nil {
		out.Reason = *r
	}
	return out
}

func unixTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// StartChecks marks the server as checked from now on: down until it
// passes when down is true (Tengine's default_down), else up. A server
// already checked keeps its verdict, so a reload does not reset it.
func (s *PeerState) StartChecks(down bool, now time.Time) {
	h := &s.health
	if h.checked.Swap(true) {
		return
	}
	h.rise.Store(0)
	h.fall.Store(0)
	h.down.Store(down)
	h.lastChange.Store(now.UnixNano())
}

// StopChecks puts the server back in the hands of passive health alone:
// the checks' verdict no longer holds it down.
func (s *PeerState) StopChecks() {
	h := &s.health
	h.checked.Store(false)
	h.down.Store(false)
	h.rise.Store(0)
	h.fall.Store(0)
	h.reason.Store(nil)
}

// CheckResult records one probe's outcome at now and applies Tengine's
// rule: rise consecutive successes bring a down server up, fall
// consecutive failures take an up server down. It reports a transition:
// +1 up, -1 down, 0 none. reason says why a failed probe failed.
func (s *PeerState) CheckResult(ok bool, reason string, rise, fall int, now time.Time) int {
	h := &s.health
	t := now.UnixNano()
	h.lastCheck.Store(t)
	if ok {
		h.fall.Store(0)
		h.reason.Store(nil)
		n := h.rise.Add(1)
		if h.down.Load() && int(n) >= rise {
			h.down.Store(false)
			h.lastChange.Store(t)
			h.upSince.Store(t)
			return +1
		}
		return 0
	}
	h.rise.Store(0)
	h.reason.Store(&reason)
	n := h.fall.Add(1)
	if !h.down.Load() && int(n) >= fall {
		h.down.Store(true)
		h.lastChange.Store(t)
		h.upSince.Store(0)
		return -1
	}
	return 0
}

// slowStartWeight scales weight w during a server's slow start: w times
// the share of slowStart (ns) elapsed since active checks brought the
// server back, at least 1; w itself when no ramp is under way. The clock is
// read only during a ramp.
func (s *PeerState) slowStartWeight(w, slowStart int64) int64 {
	since := s.health.upSince.Load()
	if since == 0 || slowStart <= 0 {
		return w
	}
	elapsed := time.Now().UnixNano() - since
	if elapsed >= slowStart {
		// The ramp is over: later picks need not read the clock.
		s.health.upSince.CompareAndSwap(since, 0)
		return w
	}
	return max(1, w*elapsed/slowStart)
}
