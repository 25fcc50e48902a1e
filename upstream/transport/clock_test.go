package transport

import (
	"testing"
	"time"
)

func TestCoarseClockFollowsTheRealClock(t *testing.T) {
	var c coarseClock
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); time.Sleep(time.Millisecond) {
		before := time.Now()
		got := c.Now()
		after := time.Now()
		if got.After(after) {
			t.Fatalf("coarse clock %v is ahead of the real clock %v", got, after)
		}
		// One tick plus generous scheduling slack on a loaded machine.
		if lag := before.Sub(got); lag > clockTick+100*time.Millisecond {
			t.Fatalf("coarse clock lags by %v", lag)
		}
	}
}

func TestCoarseClockTickerStopsWhenUnread(t *testing.T) {
	var c coarseClock
	c.Now()
	if !c.running.Load() {
		t.Fatal("the first read did not start the ticker")
	}
	deadline := time.Now().Add(clockIdleTicks*clockTick + 5*time.Second)
	for c.running.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the ticker kept running with nobody reading the clock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Unread for long, the value is stale; the next read must not use it.
	time.Sleep(50 * time.Millisecond)
	before := time.Now()
	if got := c.Now(); got.Before(before) {
		t.Fatalf("read after the stop returned the stale %v (now %v)", got, before)
	}
	if !c.running.Load() {
		t.Fatal("a read after the stop did not restart the ticker")
	}
}

func TestLazyDeadline(t *testing.T) {
	const timeout = 200 * time.Millisecond
	slack := lazySlack(timeout)
	if slack != timeout/8 {
		t.Fatalf("slack for %v = %v, want an eighth", timeout, slack)
	}
	if s := lazySlack(time.Minute); s != timerLazyDelay {
		t.Fatalf("slack for 1m = %v, want nginx's %v", s, timerLazyDelay)
	}

	var d lazyDeadline
	before := time.Now()
	first, ok := d.due(timeout)
	if !ok {
		t.Fatal("no deadline set on a fresh connection")
	}
	if first.Before(before.Add(timeout)) || first.After(time.Now().Add(timeout)) {
		t.Fatalf("first deadline %v is not exactly now+%v (now %v)", first, timeout, before)
	}
	if _, ok := d.due(timeout); ok {
		t.Fatal("a deadline moved by nothing was set again")
	}

	// One that lags by more than the slack is moved; one within it is not.
	d.at = clock.Nanos() + int64(timeout-2*slack-clockTick)
	if _, ok := d.due(timeout); !ok {
		t.Fatal("a deadline lagging by twice the slack was kept")
	}
	d.at = clock.Nanos() + int64(timeout-slack/4)
	if _, ok := d.due(timeout); ok {
		t.Fatal("a deadline lagging by a quarter of the slack was moved")
	}

	d.clear()
	if _, ok := d.due(timeout); !ok {
		t.Fatal("no deadline set after clear")
	}
}
