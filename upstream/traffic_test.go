package upstream

import (
	"testing"
	"time"
)

func TestRespondedCounts(t *testing.T) {
	u := build(t, roundRobin, nil, servers(1)...)
	s := u.Peers[0].State()
	now := time.Now()
	for _, st := range []int{200, 204, 301, 404, 502, 503, 101, 0} {
		s.Responded(st, 3*time.Millisecond, 100, 1000, now)
	}
	s.CountRetry()
	s.CountReturning()
	s.CountReturning()
	s.CountMoved()
	snap := u.Peers[0].Snapshot(now)
	if snap.Responses != [5]uint64{1, 2, 1, 1, 2} {
		t.Errorf("responses by class %v", snap.Responses)
	}
	if snap.BytesSent != 800 || snap.BytesReceived != 8000 || snap.Retries != 1 || snap.Returning != 2 || snap.Moved != 1 {
		t.Errorf("snapshot %+v", snap)
	}
	if l := snap.Latency; l.Count != 8 || l.WindowCount != 8 || l.WindowAvg != 3*time.Millisecond || l.Buckets[2] != 8 {
		t.Errorf("latency %+v", l)
	}
}

// The window forgets what is older than two slots; the cumulative
// histogram does not. p99 lands in the bucket of the slowest 1%.
func TestLatencyWindowAndP99(t *testing.T) {
	var l latency
	t0 := time.Unix(1_700_000_000, 0).UnixNano()
	for i := range 99 {
		l.record(time.Duration(i%5+1)*time.Millisecond, t0)
	}
	l.record(800*time.Millisecond, t0)
	s := l.snapshot(t0)
	if s.WindowCount != 100 || s.WindowP99 < 5*time.Millisecond || s.WindowP99 > 10*time.Millisecond {
		t.Errorf("p99 %v of 100 (want in the 5-10ms bucket)", s.WindowP99)
	}
	for range 50 {
		l.record(1500*time.Millisecond, t0)
	}
	if s := l.snapshot(t0); s.WindowP99 < time.Second || s.WindowP99 > 2*time.Second {
		t.Errorf("p99 %v with a third of the responses at 1.5s", s.WindowP99)
	}
	later := t0 + int64(25*time.Second)
	l.record(time.Millisecond, later)
	s = l.snapshot(later)
	if s.WindowCount != 1 || s.Count != 151 || s.WindowP99 > time.Millisecond {
		t.Errorf("25s later: window %d (want 1), total %d (want 151), p99 %v", s.WindowCount, s.Count, s.WindowP99)
	}
	if bucketOf(time.Hour) != len(LatencyBounds) || bucketOf(0) != 0 {
		t.Error("bucketOf bounds")
	}
}

// Counting a response allocates nothing: it runs on every proxied request.
func TestRespondedDoesNotAllocate(t *testing.T) {
	u := build(t, roundRobin, nil, servers(1)...)
	s := u.Peers[0].State()
	now := time.Now()
	if n := testing.AllocsPerRun(100, func() { s.Responded(200, time.Millisecond, 10, 10, now) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
