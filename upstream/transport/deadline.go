package transport

import "time"

// IdleDeadline is one direction's idle deadline on a connection that is
// not an upstream one (cmd/gw's client connections: client_body_timeout,
// send_timeout), moved as lazily as the upstream deadlines are and read
// off the same coarse clock. The zero value has no deadline set.
type IdleDeadline struct{ d lazyDeadline }

// Due returns now+timeout when the deadline set lags it by more than the
// slack; the caller then sets it on the connection.
func (d *IdleDeadline) Due(timeout time.Duration) (time.Time, bool) { return d.d.due(timeout) }

// Clear forgets the deadline; the caller set another one or none.
func (d *IdleDeadline) Clear() { d.d.clear() }

// Armed reports whether Due set a deadline since the last Clear.
func (d *IdleDeadline) Armed() bool { return d.d.at != 0 }

// CoarseNow is the coarse clock's time: at most about one tick (5 ms)
// behind time.Now, for a single atomic load.
func CoarseNow() time.Time { return clock.Now() }
