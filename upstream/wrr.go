package upstream

import (
	"sync"
	"time"
)

// wrr is nginx's smooth weighted round robin (ngx_http_upstream_get_peer,
// nginx >= 1.3.1): at each pick every usable peer's current weight grows by
// its effective weight, the peer with the largest current weight wins (the
// first one on a tie) and loses the total of the effective weights added.
// Weights 5:1:1 give a a b a c a a, spreading the light peers between the
// heavy one's turns instead of bunching them. A peer that is unusable takes
// no part in the round, so the others go on from where they stood.
//
// The effective weight (PeerState.deficit) falls by weight/max_fails on
// each failure and climbs back one per round, so a failing peer is
// eased back into rotation. current is per balancer and guarded by mu,
// nginx's per-upstream lock; the critical section is one pass over the
// peers with no allocation. It is also the fallback of the hash balancers.
type wrr struct {
	mu      sync.Mutex
	peers   []*Peer
	current []int64 // guarded by mu
}

func newWRR(peers []*Peer) *wrr {
	return &wrr{peers: peers, current: make([]int64, len(peers))}
}

// Pick returns the next peer of the smooth weighted round robin.
func (w *wrr) Pick(now time.Time, _ Key, tried *Tried) *Peer {
	t := now.UnixNano()
	if len(w.peers) == 1 {
		// nginx's single peer: nothing to balance, no lock to take.
		return pickOne(w.peers[0], t, tried)
	}
	w.mu.Lock()
	i := smoothRound(w.peers, w.current, t, tried)
	w.mu.Unlock()
	if i < 0 {
		return nil
	}
	p := w.peers[i]
	tried.Add(p.index)
	return p
}

// smoothRound runs one round of smooth WRR over the usable peers and
// returns the winner's index, or -1. The caller holds the lock guarding
// current.
func smoothRound(peers []*Peer, current []int64, now int64, tried *Tried) int {
	best, total := -1, int64(0)
	for i, p := range peers {
		if tried.Has(p.index) || !p.pickable(now) {
			continue
		}
		best, total = addToRound(peers, current, i, best, total)
	}
	if best >= 0 {
		current[best] -= total
	}
	return best
}

// addToRound adds peer i to a smooth-WRR round (nginx's loop body: grow
// current by the effective weight, recover one step of effective weight)
// and returns the round's new leader and total.
func addToRound(peers []*Peer, current []int64, i, best int, total int64) (int, int64) {
	p := peers[i]
	ew, w := p.effectiveWeight()
	current[i] += ew
	if ew < w {
		p.recoverWeight()
	}
	if best < 0 || current[i] > current[best] {
		best = i
	}
	return best, total + ew
}

// pickOne is Pick over a single peer.
func pickOne(p *Peer, now int64, tried *Tried) *Peer {
	if tried.Has(p.index) || !p.pickable(now) {
		return nil
	}
	tried.Add(p.index)
	return p
}
