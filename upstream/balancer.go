package upstream

import "time"

// Balancer chooses the peer for a new session: a request without a usable
// sticky cookie, or a retry after a failed attempt. Implementations follow
// the nginx module of the same name, are safe for concurrent use and do
// not allocate. They only choose: connection counting, passive health and
// retries belong to the caller (see the package documentation).
type Balancer interface {
	// Pick returns a peer that is neither in tried, nor drain, nor
	// unavailable at now, and marks it in tried; nil when there is none
	// (the caller answers ErrNoLivePeers). key is used by ip_hash and hash
	// only. tried must not be nil.
	Pick(now time.Time, key Key, tried *Tried) *Peer
}

// Key is what a request brings to the balancers that route by it. The
// caller fills only what its upstream's balancer uses; the bytes are only
// read during Pick.
type Key struct {
	// IP is the client address for ip_hash: 4 bytes for IPv4, 16 for IPv6.
	// A 16-byte IPv4-mapped address counts as IPv4, since Go gives IPv4
	// clients of dual-stack listeners in that form. Anything else hashes as
	// nginx's pseudo address (three zero bytes).
	IP []byte
	// Hash is the evaluated `hash KEY`. Empty means round robin, as nginx
	// does for an empty key.
	Hash []byte
}

// Guards: every balancer satisfies the interface.
var (
	_ Balancer = (*wrr)(nil)
	_ Balancer = (*leastConn)(nil)
	_ Balancer = (*ipHash)(nil)
	_ Balancer = (*hashBalancer)(nil)
	_ Balancer = (*chash)(nil)
	_ Balancer = (*random)(nil)
	_ Balancer = (*tiered)(nil)
	_ Balancer = (*Upstream)(nil)
)

// tiered puts backups behind primaries, nginx's peers->next: the backup
// balancer is asked only when the primary one finds no peer, i.e. when
// every primary is down, failed, full, drain or already tried by this
// request. Peer indexes are unique across both tiers, so one Tried serves
// both and nothing needs resetting between them.
type tiered struct {
	primary, backup Balancer
}

// Pick tries the primaries, then the backups.
func (t *tiered) Pick(now time.Time, key Key, tried *Tried) *Peer {
	if p := t.primary.Pick(now, key, tried); p != nil {
		return p
	}
	return t.backup.Pick(now, key, tried)
}

// weightTable maps a number below the total weight to a peer, each peer
// owning a range as wide as its weight, in configuration order: nginx's
// `w = hash % total_weight; while (w >= peer->weight) ...` walk, done by
// binary search over cumulative weights. The weights are the configured
// ones: an operator's override does not move the keys (see SetWeight).
type weightTable struct {
	cum   []int64 // cum[i] = weight of peers 0..i
	total int64
}

func newWeightTable(peers []*Peer) weightTable {
	t := weightTable{cum: make([]int64, len(peers))}
	for i, p := range peers {
		t.total += p.weight
		t.cum[i] = t.total
	}
	return t
}

// at returns the index of the peer whose range holds v, 0 <= v < total.
func (t *weightTable) at(v int64) int {
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if v < t.cum[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
