package edge

import (
	"time"

	"github.com/gw-proxy/gw/upstream/transport"
)

// reapTick is how often the reaper looks at the connections: the
// precision of client_header_timeout and keepalive_timeout. nginx's
// timers are exact to the millisecond; a tenth of a second is far below
// any timeout worth setting and costs one pass over the table.
const reapTick = 100 * time.Millisecond

// wakeReaper starts reap unless it runs.
func (t *Table) wakeReaper() {
	if !t.reaper.Load() && t.reaper.CompareAndSwap(false, true) {
		go t.reap()
	}
}

// reap enforces client_header_timeout and keepalive_timeout for every
// connection of the table, so that fasthttp sets no read deadline per
// request (two deadline updates of the runtime's timers each, a few
// percent of a proxied request's instructions). Every reapTick it expires
// the connections that waited too long (Conn.expired, Conn.expire), and
// parks those idle long enough (park.go). It
// ends when the table is empty; add wakes it again.
//
// A request that starts in the very tick its connection's keep-alive
// expires may see its header read fail: nginx's keep-alive timer and an
// arriving request race the same way.
func (t *Table) reap() {
	tick := time.NewTicker(reapTick)
	defer tick.Stop()
	var due, park []*Conn
	var rel release
	for range tick.C {
		now := transport.CoarseNow().UnixNano()
		t.mu.Lock()
		due, park = due[:0], park[:0]
		for _, c := range t.conns {
			switch {
			case c.expired(now):
				due = append(due, c)
			case c.parkDue(now):
				park = append(park, c)
			}
		}
		empty := len(t.conns) == 0
		if empty {
			t.reaper.Store(false)
		}
		t.mu.Unlock()
		for _, c := range due {
			c.expire()
		}
		for _, c := range park {
			c.askPark(now)
		}
		rel.parked(len(park), now)
		clear(due)
		clear(park) // hold no closed connection until the next tick
		if empty {
			return
		}
	}
}
