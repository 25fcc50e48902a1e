package transport

import (
	"sync/atomic"
	"time"
)

// The idle timeouts of upstream connections (proxy_read_timeout,
// proxy_send_timeout) are re-armed on every read and write. Done exactly,
// that is a clock_gettime for the new deadline plus two more and a runtime
// timer update inside SetDeadline, several times per proxied request: about
// 4% of gw's CPU under load in profiles taken under wrk. nginx does not do it
// exactly either: its time is cached per event-loop turn, and ngx_add_timer
// keeps a pending timer when the new expiry is less than 300 ms
// (NGX_TIMER_LAZY_DELAY) away from the old one. gw does the same with a
// coarse clock and lazyDeadline.

// clockTick is the coarse clock's resolution.
const clockTick = 5 * time.Millisecond

// clockIdleTicks is how many ticks without a reader stop the ticker, so an
// idle gw does not wake up 200 times a second for nothing.
const clockIdleTicks = 200

// timerLazyDelay is nginx's NGX_TIMER_LAZY_DELAY: a deadline is moved only
// when it would move by more than this (or by more than an eighth of the
// timeout, for short timeouts).
const timerLazyDelay = 300 * time.Millisecond

// coarseClock is a wall clock read with one atomic load. A ticker goroutine
// refreshes it while it is being read and stops after clockIdleTicks ticks
// without a reader; the first read after that reads the real clock and
// starts the ticker again, so a value is never older than about one tick
// (plus the ticker's scheduling delay).
type coarseClock struct {
	now     atomic.Pointer[time.Time] // as of the last tick, with its monotonic reading
	mono    atomic.Int64              // the same, as nanoseconds since clockBase
	running atomic.Bool               // a ticker goroutine is refreshing now
	used    atomic.Bool               // read since the last tick
}

// clock is the process's coarse clock for upstream idle deadlines.
var clock coarseClock

// clockBase is the origin of the clock's monotonic nanoseconds (Nanos).
var clockBase = time.Now()

// Nanos is Now as monotonic nanoseconds since clockBase: what
// lazyDeadline compares, with integer arithmetic instead of time.Time's.
func (c *coarseClock) Nanos() int64 {
	if !c.running.Load() {
		return int64(c.start().Sub(clockBase))
	}
	if !c.used.Load() {
		c.used.Store(true)
	}
	return c.mono.Load()
}

// set records now as the clock's time.
func (c *coarseClock) set(now time.Time) {
	c.now.Store(&now)
	c.mono.Store(int64(now.Sub(clockBase)))
}

// Now returns the current time, at most about one tick behind the real
// clock. It carries a monotonic reading, so deadlines derived from it do not
// move when the wall clock is stepped.
func (c *coarseClock) Now() time.Time {
	if !c.running.Load() {
		return c.start()
	}
	if !c.used.Load() {
		c.used.Store(true)
	}
	return *c.now.Load()
}

// start reads the real clock and, unless one runs already, starts a ticker.
func (c *coarseClock) start() time.Time {
	now := time.Now()
	c.set(now)
	c.used.Store(true)
	if c.running.CompareAndSwap(false, true) {
		go c.tick()
	}
	return now
}

// tick refreshes now every clockTick until the clock goes unread.
func (c *coarseClock) tick() {
	t := time.NewTicker(clockTick)
	defer t.Stop()
	idle := 0
	for range t.C {
		c.set(time.Now())
		if c.used.Swap(false) {
			idle = 0
			continue
		}
		if idle++; idle >= clockIdleTicks {
			c.running.Store(false)
			return
		}
	}
}

// lazyDeadline is one direction's idle deadline on a connection, moved
// forward the way nginx moves its timers: only when the new expiry is more
// than lazySlack(timeout) later than the one set. A read or write then
// costs an atomic load instead of three clock reads and a timer update, and
// the effective idle limit lies between timeout-slack-lag and timeout, lag
// being how far the coarse clock trails: one tick plus however late the
// ticker goroutine runs on a busy machine (nginx: between timeout-300ms and
// timeout).
type lazyDeadline struct {
	at int64 // the deadline set, in nanoseconds since clockBase; 0: none
}

// due returns a new deadline, now+timeout, when the one set lags that by
// more than the slack; the caller then sets it on the connection. The coarse
// clock only decides whether to move it: a deadline that is set comes from
// the real clock, so a connection's first wait is exactly the timeout.
func (d *lazyDeadline) due(timeout time.Duration) (time.Time, bool) {
	if d.at != 0 && clock.Nanos()+int64(timeout)-d.at <= int64(lazySlack(timeout)) {
		return time.Time{}, false
	}
	now := time.Now()
	d.at = max(int64(now.Sub(clockBase))+int64(timeout), 1)
	return now.Add(timeout), true
}

// clear forgets the deadline (the caller removed it from the connection).
func (d *lazyDeadline) clear() { d.at = 0 }

// lazySlack is how far a deadline may lag before it is moved.
func lazySlack(timeout time.Duration) time.Duration {
	return min(timerLazyDelay, timeout/8)
}
