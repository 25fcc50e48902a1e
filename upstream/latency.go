package upstream

import (
	"sync/atomic"
	"time"
)

// LatencyBounds are the upper bounds of the response-time histogram's
// buckets, 1-2-5 steps from 1ms to 60s (a last, unbounded bucket follows):
// fine enough for a p99 an operator can act on, few enough to export per
// server as a Prometheus histogram.
var LatencyBounds = [...]time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second,
	10 * time.Second, 20 * time.Second, 60 * time.Second,
}

// latencyBuckets is the number of buckets, the unbounded one included.
const latencyBuckets = len(LatencyBounds) + 1

// latencyWindow is how long one slot of the recent window covers; the
// window is the current slot and the one before, so 10 to 20 seconds.
const latencyWindow = 10 * time.Second

// histogram counts durations by bucket, with their sum. Every field is an
// atomic: writers do not lock, and a reader sees counts that may be a
// request apart, which a monitoring page does not mind.
type histogram struct {
	buckets [latencyBuckets]atomic.Uint64
	sum     atomic.Int64 // ns
}

func (h *histogram) add(i int, d time.Duration) {
	h.buckets[i].Add(1)
	h.sum.Add(int64(d))
}

// windowSlot is a histogram for one latencyWindow, stamped with the window
// it counts.
type windowSlot struct {
	epoch atomic.Int64
	histogram
}

// latency is one server's response times: since it entered the
// configuration, and over the recent window.
type latency struct {
	total  histogram
	window [2]windowSlot
}

// bucketOf returns the index of the bucket d falls in.
func bucketOf(d time.Duration) int {
	for i, b := range LatencyBounds {
		if d <= b {
			return i
		}
	}
	return len(LatencyBounds)
}

// record counts one response time d measured at now.
func (l *latency) record(d time.Duration, now int64) {
	i := bucketOf(d)
	l.total.add(i, d)
	epoch := now / int64(latencyWindow)
	s := &l.window[epoch&1]
	if old := s.epoch.Load(); old != epoch && s.epoch.CompareAndSwap(old, epoch) {
		// The first writer of a new window clears the slot it reuses. A
		// write racing with the clearing may be lost: one sample.
		for j := range s.buckets {
			s.buckets[j].Store(0)
		}
		s.sum.Store(0)
	}
	s.add(i, d)
}

// LatencySnapshot is a server's response times: the cumulative histogram
// since it entered the configuration (for Prometheus), and the count,
// average and p99 over the recent window (10 to 20 seconds).
type LatencySnapshot struct {
	Buckets [latencyBuckets]uint64 // per bucket, not cumulative; the last is over LatencyBounds' last
	Sum     time.Duration
	Count   uint64

	WindowCount uint64
	WindowAvg   time.Duration
	WindowP99   time.Duration // the bucket's upper bound, interpolated inside it
}

// snapshot reads l at now.
func (l *latency) snapshot(now int64) LatencySnapshot {
	var s LatencySnapshot
	for i := range s.Buckets {
		s.Buckets[i] = l.total.buckets[i].Load()
		s.Count += s.Buckets[i]
	}
	s.Sum = time.Duration(l.total.sum.Load())
	epoch := now / int64(latencyWindow)
	var win [latencyBuckets]uint64
	var sum int64
	for k := range l.window {
		slot := &l.window[k]
		if e := slot.epoch.Load(); e != epoch && e != epoch-1 {
			continue
		}
		for i := range win {
			win[i] += slot.buckets[i].Load()
		}
		sum += slot.sum.Load()
	}
	for _, n := range win {
		s.WindowCount += n
	}
	if s.WindowCount > 0 {
		s.WindowAvg = time.Duration(sum / int64(s.WindowCount))
		s.WindowP99 = quantile(win, s.WindowCount, 0.99)
	}
	return s
}

// quantile estimates the q-quantile of count durations bucketed in b,
// interpolating linearly inside the bucket it falls in.
func quantile(b [latencyBuckets]uint64, count uint64, q float64) time.Duration {
	rank := q * float64(count)
	var seen float64
	for i, n := range b {
		if n == 0 {
			continue
		}
		if seen+float64(n) >= rank {
			lo := time.Duration(0)
			if i > 0 {
				lo = LatencyBounds[i-1]
			}
			if i == len(LatencyBounds) {
				return lo // beyond the last bound: say at least that
			}
			hi := LatencyBounds[i]
			return lo + time.Duration(float64(hi-lo)*(rank-seen)/float64(n))
		}
		seen += float64(n)
	}
	return LatencyBounds[len(LatencyBounds)-1]
}
