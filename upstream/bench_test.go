package upstream

import (
	"testing"
	"time"
)

// BenchmarkPick measures one new-session pick per balancer over eight
// peers, as one request does it.
func BenchmarkPick(b *testing.B) {
	for _, c := range balancerCases(b) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var tried Tried
			for b.Loop() {
				tried.Reset()
				c.u.Pick(t0, c.key, &tried)
			}
		})
	}
}

// BenchmarkPickParallel is BenchmarkPick from every P at once: the cost of
// the round-robin lock under contention.
func BenchmarkPickParallel(b *testing.B) {
	for _, c := range balancerCases(b) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var tried Tried
				for pb.Next() {
					tried.Reset()
					c.u.Pick(t0, c.key, &tried)
				}
			})
		})
	}
}

// BenchmarkAttempt is the health accounting around one attempt.
func BenchmarkAttempt(b *testing.B) {
	u := build(b, roundRobin, nil, srv(0), srv(1))
	p := u.Peers[0]
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		p.Acquire(now)
		p.Success()
		p.Release()
	}
}
