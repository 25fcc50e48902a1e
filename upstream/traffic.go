package upstream

import (
	"sync/atomic"
	"time"
)

// traffic is what one server answered, counted as the proxy learns it,
// for the status page and metrics. Every counter is an atomic updated
// without a lock or an allocation; the state lives in the PeerState, so it
// survives the reloads that keep the server.
type traffic struct {
	responses [5]atomic.Uint64 // by status class, 1xx to 5xx
	retries   atomic.Uint64    // tries that retried a request another try failed
	sent      atomic.Uint64    // request body bytes sent to the server
	received  atomic.Uint64    // response body bytes received from it
	returning atomic.Uint64    // sticky visitors its cookie brought back
	moved     atomic.Uint64    // sticky visitors moved here from a server that could not take them
	latency   latency
}

// Responded counts a response of status from the server, received
// responseTime after the try started, with the body bytes the try sent
// and received. The proxy calls it once per try that got
// a response, whether the response went to the client or a retry
// replaced it.
func (s *PeerState) Responded(status int, responseTime time.Duration, sent, received int64, now time.Time) {
	t := &s.traffic
	if c := status/100 - 1; c >= 0 && c < len(t.responses) {
		t.responses[c].Add(1)
	}
	t.sent.Add(uint64(max(sent, 0)))
	t.received.Add(uint64(max(received, 0)))
	t.latency.record(responseTime, now.UnixNano())
}

// CountRetry counts a try on the server that retries a request another
// try failed (proxy_next_upstream).
func (s *PeerState) CountRetry() { s.traffic.retries.Add(1) }

// CountReturning counts a visitor whose sticky cookie brought it back to
// the server.
func (s *PeerState) CountReturning() { s.traffic.returning.Add(1) }

// CountMoved counts a sticky visitor moved to the server because the one
// its cookie named could not take it (fallback=on).
func (s *PeerState) CountMoved() { s.traffic.moved.Add(1) }
