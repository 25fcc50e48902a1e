package upstream

import (
	"sync"
	"time"
)

// leastConn is nginx's least_conn (ngx_http_upstream_get_least_conn_peer):
// the usable peer with the fewest requests in flight relative to its
// weight (conns/weight, compared as conns_a*weight_b < conns_b*weight_a);
// when several share the lowest ratio, smooth weighted round robin among
// them decides, so an idle upstream behaves exactly like round robin.
//
// The whole choice runs under mu, as nginx holds the upstream's lock, since
// the tie break updates current weights. Connection counts are read live:
// a count that changes between the two passes only drops that peer from
// the tie.
type leastConn struct {
	mu      sync.Mutex
	peers   []*Peer
	current []int64 // guarded by mu
}

func newLeastConn(peers []*Peer) *leastConn {
	return &leastConn{peers: peers, current: make([]int64, len(peers))}
}

// Pick returns the least loaded usable peer.
func (l *leastConn) Pick(now time.Time, _ Key, tried *Tried) *Peer {
	t := now.UnixNano()
	l.mu.Lock()
	i := l.pick(t, tried)
	l.mu.Unlock()
	if i < 0 {
		return nil
	}
	p := l.peers[i]
	tried.Add(p.index)
	return p
}

// pick finds the lowest conns/weight ratio and breaks ties; -1 if no peer
// is usable.
func (l *leastConn) pick(now int64, tried *Tried) int {
	best, many := -1, false
	var bestConns, bestWeight int64
	for i, p := range l.peers {
		if tried.Has(p.index) || !p.pickable(now) {
			continue
		}
		c, w := p.state.conns.Load(), p.weightNow()
		switch {
		case best < 0 || c*bestWeight < bestConns*w:
			best, many, bestConns, bestWeight = i, false, c, w
		case c*bestWeight == bestConns*w:
			many = true
		}
	}
	if !many {
		return best
	}
	return l.tieBreak(now, tried, best, bestConns)
}

// tieBreak runs a smooth-WRR round among the usable peers from first on
// whose load ratio equals first's (no peer before first can tie: first is
// the earliest with the lowest ratio).
func (l *leastConn) tieBreak(now int64, tried *Tried, first int, conns int64) int {
	weight := l.peers[first].weightNow()
	best, total := -1, int64(0)
	for i := first; i < len(l.peers); i++ {
		p := l.peers[i]
		if tried.Has(p.index) || !p.pickable(now) || p.state.conns.Load()*weight != conns*p.weightNow() {
			continue
		}
		best, total = addToRound(l.peers, l.current, i, best, total)
	}
	if best < 0 {
		return first // the counts moved under us; first was the least loaded
	}
	l.current[best] -= total
	return best
}
