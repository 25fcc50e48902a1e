package upstream

// Tried is one request's walk through an upstream's peers: the set of peers
// already tried, so that a retry goes to another one, and where the hash
// balancers stand, so that a retry continues their rehash sequence instead
// of starting over (nginx keeps both in its per-request peer data,
// ngx_http_upstream_rr_peer_data_t and the ip_hash/hash extensions).
//
// The zero value is an empty walk. A Tried belongs to one request and one
// upstream; it is not safe for concurrent use. Passing it to a Balancer
// through the interface makes it escape, so the proxy keeps it in pooled
// per-request state rather than on the stack.
type Tried struct {
	// bits holds peers 0..255 without allocating; more, the rest, is
	// allocated only for upstreams that large.
	bits [4]uint64
	more []uint64

	// The hash balancers' continuation (ip_hash: hash; hash: hash and
	// rehash; consistent hash: the ring index in hash) and how many
	// candidates they rejected, nginx's 20-try budget before round robin.
	hash    uint32
	rehash  uint32
	tries   uint32
	started bool
}

// hashTries is nginx's budget: after the first candidate and 20 rehashes
// have all been unusable, the hash balancers fall back to round robin.
const hashTries = 20

// Add marks peer i as tried. Balancers mark the peer they return; the
// caller marks a peer it chose itself (from a sticky cookie).
func (t *Tried) Add(i int) {
	w, b := i/64, uint64(1)<<(uint(i)%64)
	if w < len(t.bits) {
		t.bits[w] |= b
		return
	}
	w -= len(t.bits)
	for len(t.more) <= w {
		t.more = append(t.more, 0)
	}
	t.more[w] |= b
}

// Has reports whether peer i was tried.
func (t *Tried) Has(i int) bool {
	w, b := i/64, uint64(1)<<(uint(i)%64)
	if w < len(t.bits) {
		return t.bits[w]&b != 0
	}
	w -= len(t.bits)
	return w < len(t.more) && t.more[w]&b != 0
}

// Reset empties the walk for another request, keeping the overflow words.
func (t *Tried) Reset() {
	*t = Tried{more: t.more[:0]}
}
