package edge

import (
	"net"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/gw-proxy/gw/upstream/transport"
)

// Parking: a connection that waits for its next request holds, while
// fasthttp serves it, a goroutine whose stack grew while it proxied, a
// RequestCtx and, with request-body streaming on, the connection's read
// buffer (fasthttp cannot give it back between requests then): about
// 17 KB per idle keep-alive client, where nginx holds well under 1 KB.
// A connection idle for parkAfter is taken from fasthttp instead
// ("parked"): its serving goroutine ends and gives all of that back, and
// the socket waits in an epoll set of gw's own (park_linux.go; elsewhere
// in a small goroutine), with no buffer, until the client sends again; the
// connection is then served anew on a new goroutine (fasthttp's
// Server.ServeConn, see Listener.SetServe). What stays is the socket and
// Conn: about 1 KB.
//
// The hand-over: the reaper asks (askPark) by expiring the read fasthttp
// is blocked in; Read turns that timeout into an end of stream (parkedBy),
// which fasthttp takes as a keep-alive client that left; its Close is
// ignored and its StateClosed parks it (parkIn). Bytes that arrive while
// the reaper asks cancel the request instead (the read returns them, and
// the deadline is cleared under parkMu so that it cannot outlive them).
//
// While parked the connection stays in the table in the state it had
// (idle or new), so the reaper still enforces keepalive_timeout and
// client_header_timeout on it, and worker_connections can still reclaim
// it. $connection and $connection_requests and keepalive_requests are
// counted by Conn, not by fasthttp, whose counts restart with ServeConn.
//
// Only plain TCP (and unix-socket) connections are parked: a TLS or PROXY
// protocol layer may hold bytes already read from the socket, which the
// poller cannot see.

// parkAfter is how long a connection waits for a request before it is
// parked. A client that keeps its connection busy (a benchmark, an API
// client) never pays for a hand-over; a browser's connection, idle
// between page views, gives its memory back within a second.
const parkAfter = 500 * time.Millisecond

// The park states of a Conn.
const (
	parkNone  int32 = iota
	parkAsked       // the reaper expired fasthttp's read to take the connection
	parked          // fasthttp let go of it, or is about to
)

// canPark reports whether c can be parked: the socket itself, with no
// layer above it that could hold bytes read ahead.
func canPark(c net.Conn) bool {
	if !parkSupported {
		return false
	}
	switch c.(type) {
	case *net.TCPConn, *net.UnixConn:
		return true
	}
	return false
}

// parkDue reports whether, at now (unix nanoseconds), the reaper should
// park c: it waits for a request with nothing of it received, and has for
// parkAfter. Called by the reaper, under the table's lock.
func (c *Conn) parkDue(now int64) bool {
	return c.parkable && c.listener != nil && c.listener.serve != nil &&
		c.park.Load() == parkNone && c.idle() && now-c.idleSince.Load() > int64(parkAfter)
}

// askPark makes fasthttp's blocked read fail, so that Read hands the
// connection over (parkedBy). The reaper found it due at now; it is
// checked again, as it may have served a request since.
func (c *Conn) askPark(now int64) {
	c.parkMu.Lock()
	if c.park.Load() == parkNone && c.idle() && now-c.idleSince.Load() > int64(parkAfter) {
		c.park.Store(parkAsked)
		_ = c.Conn.SetReadDeadline(expiredDeadline)
	}
	c.parkMu.Unlock()
}

// parkedBy is Read's part of the hand-over, for a read that returned n
// and err while the reaper asked to park. park: the read timed out with
// the connection still waiting for a request (it is then parked).
// Otherwise the request is cancelled and the deadline it set cleared;
// retry: the read failed only because of that deadline (a request began
// meanwhile from bytes fasthttp had buffered) and must be made again.
func (c *Conn) parkedBy(n int, err error) (park, retry bool) {
	c.parkMu.Lock()
	defer c.parkMu.Unlock()
	if c.park.Load() != parkAsked {
		return false, false
	}
	timedOut := n == 0 && err != nil && transport.IsTimeout(err)
	if timedOut && !c.got && c.idle() {
		c.park.Store(parked)
		return true, false
	}
	c.park.Store(parkNone)
	_ = c.Conn.SetReadDeadline(time.Time{})
	return false, timedOut
}

// parkIn parks c once fasthttp has let go of it (its StateClosed): the
// deadline that woke fasthttp is cleared and c waits in the poller
// (park_linux.go; a goroutine elsewhere) until it is readable or closed.
func (c *Conn) parkIn() {
	_ = c.Conn.SetReadDeadline(time.Time{})
	if c.listener.isClosed() || !c.waitReadable() {
		c.park.Store(parkNone)
		_ = c.Close()
	}
}

// wake serves a parked connection that became readable anew, on its own
// goroutine, unless its listener closed meanwhile. A client that closed
// it is served too: fasthttp reads the end and closes quietly.
func (c *Conn) wake() {
	// Its idle time starts again: the reaper must not take the
	// connection that just became readable for one due to park or
	// expire before fasthttp has read what arrived.
	c.idleSince.Store(transport.CoarseNow().UnixNano())
	c.park.Store(parkNone)
	if c.listener.isClosed() {
		_ = c.Close()
		return
	}
	_ = c.listener.serve(c)
}

// closeParked closes c, which is parked: the reaper expired it
// (keepalive_timeout, client_header_timeout) or reclaimed it, or its
// listener closed. A connection that just became readable is being
// woken: closing its socket makes the wake's first read fail. One not
// registered yet (fasthttp is still letting go of it) is doomed by
// unwait: parkIn then closes it instead of registering it.
func (c *Conn) closeParked() {
	if c.unwait() {
		c.park.Store(parkNone)
		_ = c.Close()
		return
	}
	_ = c.raw.Close()
}

// closeParked closes the parked connections of l (its Close): nobody
// else will.
func (t *Table) closeParked(l *Listener) {
	var parkedConns []*Conn
	t.mu.Lock()
	for _, c := range t.conns {
		if c.listener == l && c.park.Load() == parked {
			parkedConns = append(parkedConns, c)
		}
	}
	t.mu.Unlock()
	for _, c := range parkedConns {
		c.closeParked()
	}
}

// release gives the memory of parked connections back to the system.
// Parking makes the serving goroutines' stacks, the read buffers and the
// request contexts garbage, but an idle server allocates nothing, so no
// garbage collection runs to free them (Go forces one only every two
// minutes) and the memory stays resident. Once a wave of parking has
// ended (at least releaseAfter connections parked, then a reaper pass
// that parked none), the reaper has the runtime collect and return its
// free memory (freeMemory), at most once per releaseEvery: a
// collection costs the CPU time of one ordinary cycle, and gives back
// about 15 KB per parked connection. While connections keep parking, the
// traffic that serves them allocates, and ordinary collections free
// their memory.
type release struct {
	since int   // connections parked since the last release
	last  int64 // unix nanoseconds of the last release
}

const (
	releaseAfter = 256
	releaseEvery = 5 * time.Second
)

// parked counts the n connections a reaper pass at now parked and
// starts a release when one is due.
func (r *release) parked(n int, now int64) {
	r.since += n
	if n == 0 && r.since >= releaseAfter && now-r.last >= int64(releaseEvery) {
		r.since, r.last = 0, now
		go freeMemory()
	}
}

// freeMemory collects twice and returns the free memory to the system:
// fasthttp keeps the parked connections' read buffers in a sync.Pool,
// which the first collection only moves to its victim cache.
func freeMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}
