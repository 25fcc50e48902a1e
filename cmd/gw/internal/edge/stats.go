package edge

import "sync/atomic"

// What nginx's stub_status shows of the client side, and what the status
// page shows per listener, is counted here, where connections come and
// go: atomics bumped on accept and close, and a scan of the table when a
// page asks for the connections' states.

// ConnStats are the connection counters of a listener or of the process.
type ConnStats struct {
	Accepted uint64 // connections accepted (nginx's accepts and handled: gw drops none)
	Active   int64  // open now
}

// listenerStats is a Listener's share of the counters.
type listenerStats struct {
	accepted atomic.Uint64
	active   atomic.Int64
}

// Stats returns the listener's connection counters.
func (l *Listener) Stats() ConnStats {
	return ConnStats{Accepted: l.stats.accepted.Load(), Active: l.stats.active.Load()}
}

// Accepted returns the number of connections the table ever took.
func (t *Table) Accepted() uint64 { return t.accepted.Load() }

// States counts the open connections as nginx's stub_status does: waiting
// (idle, before a request or between keep-alive requests), reading (a
// request is arriving and its header is not complete yet) and writing
// (the request is being served: upstream awaited, response sent).
//
// parked counts those of the waiting connections that are parked
// (park.go): taken from fasthttp until their client sends again.
func (t *Table) States() (reading, writing, waiting, parkedConns int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.conns {
		switch {
		case c.idle():
			waiting++
			if c.park.Load() == parked {
				parkedConns++
			}
		case c.handling.Load():
			writing++
		default:
			reading++
		}
	}
	return reading, writing, waiting, parkedConns
}

// serving marks c as serving a request (its header is read) until it goes
// idle again.
func (c *Conn) serving(on bool) { c.handling.Store(on) }
