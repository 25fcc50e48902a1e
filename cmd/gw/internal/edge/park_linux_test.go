package edge

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// A connection closed while fasthttp is still letting go of it (parked,
// not yet registered in the poller) is closed by parkIn instead of
// being registered on a closed socket, and leaves the table.
func TestClosedBeforeRegistrationIsNotLost(t *testing.T) {
	c, _ := connPair(t)
	c.listener = &Listener{table: c.table, closed: make(chan struct{})}
	c.listener.stats.active.Add(1)
	c.setState(fasthttp.StateIdle)
	c.park.Store(parked) // Read handed it over; StateClosed not yet seen
	// closeParked's two halves, with fasthttp's StateClosed between them:
	// the connection is not registered yet, so unwait dooms it...
	if c.unwait() {
		t.Fatal("unwait took a connection never registered")
	}
	c.setState(fasthttp.StateClosed) // ...and parkIn closes it rather than register it
	_ = c.raw.Close()
	if !c.closed.Load() || c.table.Len() != 0 || c.listener.stats.active.Load() != 0 {
		t.Fatalf("closed %v, table %d, active %d", c.closed.Load(), c.table.Len(), c.listener.stats.active.Load())
	}
	if c.park.Load() != parkNone {
		t.Fatalf("park state %d", c.park.Load())
	}
}
