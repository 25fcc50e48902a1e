package edge

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Table counts the client connections of every listener against
// events { worker_connections }, as nginx counts a worker's. When a new
// connection would exceed the limit, the connection that has been idle
// longest (one that sent nothing yet, or waits in keep-alive) is closed to
// make room, as nginx reuses its reusable connections, so silent or idle
// clients cannot lock others out. When none is idle, accepting pauses
// until one closes: new clients wait in the kernel's backlog, as under
// HAProxy's maxconn, rather than being refused.
type Table struct {
	limit atomic.Int64
	log   atomic.Pointer[zerolog.Logger]

	mu        sync.Mutex
	conns     []*Conn   // slot i holds the connection whose slot is i
	lastReuse time.Time // the last "reusing connections" warning
	lastFull  time.Time // the last "not enough" alert

	// freed is signalled (without blocking) whenever a connection leaves.
	freed chan struct{}

	// watcher: watchAwaiting runs (see watch.go).
	watcher atomic.Bool
	// reaper: reap runs (see reap.go).
	reaper atomic.Bool

	accepted atomic.Uint64 // connections ever added
}

func NewTable(limit int, log zerolog.Logger) *Table {
	t := &Table{freed: make(chan struct{}, 1)}
	t.Configure(limit, log)
	return t
}

// configure applies a configuration's worker_connections and error log.
func (t *Table) Configure(limit int, log zerolog.Logger) {
	t.limit.Store(int64(limit))
	t.log.Store(&log)
}

// add registers c. When the table is full it closes the longest idle
// connection to make room; when none is idle it returns false and the
// caller waits for freed.
func (t *Table) add(c *Conn) bool {
	t.mu.Lock()
	var victim *Conn
	if int64(len(t.conns)) >= t.limit.Load() {
		victim = t.oldestIdle()
		if victim == nil {
			full := dueOncePerSecond(&t.lastFull)
			t.mu.Unlock()
			if full {
				t.logger().Error().Msg(strconv.FormatInt(t.limit.Load(), 10) + " worker_connections are not enough")
			}
			return false
		}
		t.removeLocked(victim)
	}
	c.slot = len(t.conns)
	t.conns = append(t.conns, c)
	t.accepted.Add(1)
	warn := victim != nil && dueOncePerSecond(&t.lastReuse)
	t.mu.Unlock()
	t.wakeReaper()
	if victim != nil {
		victim.reclaim()
		if warn {
			t.logger().Warn().Msg(strconv.FormatInt(t.limit.Load(), 10) + " worker_connections are not enough, reusing connections")
		}
	}
	return true
}

// oldestIdle returns the connection idle the longest, or nil. It runs only
// when the table is full, so a scan is cheap enough.
func (t *Table) oldestIdle() *Conn {
	var best *Conn
	for _, c := range t.conns {
		if c.idle() && (best == nil || c.idleSince.Load() < best.idleSince.Load()) {
			best = c
		}
	}
	return best
}

// remove forgets c, if it is still registered.
func (t *Table) remove(c *Conn) {
	t.mu.Lock()
	if c.slot >= 0 && c.slot < len(t.conns) && t.conns[c.slot] == c {
		t.removeLocked(c)
	}
	t.mu.Unlock()
	select {
	case t.freed <- struct{}{}:
	default:
	}
}

func (t *Table) removeLocked(c *Conn) {
	last := len(t.conns) - 1
	t.conns[c.slot] = t.conns[last]
	t.conns[c.slot].slot = c.slot
	t.conns[last] = nil
	t.conns = t.conns[:last]
	c.slot = -1
}

// Len returns the number of registered connections.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

// dueOncePerSecond reports whether a message last logged at *last may be
// logged again (at most once a second: the errors that call for these
// lines repeat for every connection under load), and if so marks it
// logged now. The caller serialises calls for one *last.
func dueOncePerSecond(last *time.Time) bool {
	now := time.Now()
	if now.Sub(*last) < time.Second {
		return false
	}
	*last = now
	return true
}

func (t *Table) logger() *zerolog.Logger { return t.log.Load() }

// wakeWatcher starts watchAwaiting unless it runs.
func (t *Table) wakeWatcher() {
	if !t.watcher.Load() && t.watcher.CompareAndSwap(false, true) {
		go t.watchAwaiting()
	}
}

// watchAwaiting looks every half clientWatchDelay for connections whose
// wait for an upstream has gone on for clientWatchDelay, and starts their
// watch. It ends after a second with no wait at all.
func (t *Table) watchAwaiting() {
	tick := time.NewTicker(clientWatchDelay / 2)
	defer tick.Stop()
	for quiet := 0; ; {
		<-tick.C
		if t.startWatches() {
			quiet = 0
			continue
		}
		if quiet++; quiet < int(time.Second/(clientWatchDelay/2)) {
			continue
		}
		t.watcher.Store(false)
		// A wait that began just before the store found the watcher
		// running and did not wake it: look once more.
		if !t.startWatches() || !t.watcher.CompareAndSwap(false, true) {
			return
		}
		quiet = 0
	}
}

// startWatches starts the watch of every wait older than clientWatchDelay
// and reports whether any connection waits.
func (t *Table) startWatches() bool {
	old := time.Now().Add(-clientWatchDelay).UnixNano()
	waiting := false
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.conns {
		since := c.awaitState.Load()
		if since == 0 || since == watching {
			continue
		}
		waiting = true
		if since <= old {
			c.startWatch(since)
		}
	}
	return waiting
}
