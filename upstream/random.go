package upstream

import (
	"math/rand/v2"
	"time"
)

// random is nginx's `random [two]` (ngx_http_upstream_random_module): a
// peer drawn with probability proportional to its weight; an unusable or
// tried draw is redrawn, up to 20 times, then round robin takes over.
// With `two` ("power of two choices") two different usable peers are drawn
// and the one with fewer requests in flight relative to its weight is
// taken (the second draw on a tie), which avoids both herding onto the
// single least loaded peer and the blindness of one random draw.
//
// Draws come from math/rand/v2's runtime generator, which keeps its state
// per thread: no lock, no allocation, no shared cache line between cores.
// Lock-free apart from the round-robin fallback.
type random struct {
	peers []*Peer
	table weightTable
	two   bool
	rr    *wrr
	rand  func() uint64 // rand.Uint64; tests substitute a fixed sequence
}

func newRandom(peers []*Peer, two bool) *random {
	return &random{peers: peers, table: newWeightTable(peers), two: two, rr: newWRR(peers), rand: rand.Uint64}
}

// Pick draws a peer.
func (r *random) Pick(now time.Time, key Key, tried *Tried) *Peer {
	if len(r.peers) < 2 || tried.tries > hashTries {
		return r.rr.Pick(now, key, tried)
	}
	var p *Peer
	if r.two {
		p = r.drawTwo(now.UnixNano(), tried)
	} else {
		p = r.drawOne(now.UnixNano(), tried)
	}
	if p == nil {
		return r.rr.Pick(now, key, tried)
	}
	tried.Add(p.index)
	return p
}

// drawOne draws until a usable peer comes up or the budget is spent (nil).
func (r *random) drawOne(now int64, tried *Tried) *Peer {
	for {
		p := r.draw()
		if !tried.Has(p.index) && p.pickable(now) {
			return p
		}
		if tried.tries++; tried.tries > hashTries {
			return nil
		}
	}
}

// drawTwo draws two different usable peers and returns the less loaded
// (nginx's get_random2_peer; like nginx, the first draw spends a try).
func (r *random) drawTwo(now int64, tried *Tried) *Peer {
	var prev *Peer
	for {
		p := r.draw()
		if p != prev && !tried.Has(p.index) && p.pickable(now) {
			if prev != nil {
				if p.state.conns.Load()*prev.weightNow() > prev.state.conns.Load()*p.weightNow() {
					p = prev
				}
				return p
			}
			prev = p
		}
		if tried.tries++; tried.tries > hashTries {
			return nil
		}
	}
}

// draw returns a peer with probability weight/total.
func (r *random) draw() *Peer {
	x := r.rand() % uint64(r.table.total)
	return r.peers[r.table.at(int64(x))]
}
