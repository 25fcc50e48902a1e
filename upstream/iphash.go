package upstream

import "time"

// ipHash is nginx's ip_hash (ngx_http_upstream_get_ip_hash_peer): the first
// three octets of an IPv4 client, or all sixteen bytes of an IPv6 one, are
// folded into hash = (hash*113 + byte) % 6271 starting from 89; hash modulo
// the total weight selects a peer by weight ranges in configuration order.
// An unusable or tried peer folds the same bytes again onto the previous
// hash (a rehash), up to 20 times, then round robin takes over. Clients of
// one /24 thus share a peer, and down peers keep their place in the ranges
// so that the others' clients do not move.
//
// A retry continues from the last hash (kept in Tried), as nginx keeps it in
// its per-request data. Lock-free apart from the round-robin fallback.
type ipHash struct {
	peers []*Peer
	table weightTable
	rr    *wrr
}

func newIPHash(peers []*Peer) *ipHash {
	return &ipHash{peers: peers, table: newWeightTable(peers), rr: newWRR(peers)}
}

// The ip_hash constants: nginx's seed, multiplier and modulus.
const (
	ipHashSeed = 89
	ipHashMul  = 113
	ipHashMod  = 6271
)

// ipHashPseudo is what nginx hashes for a client that has no IP address
// (a unix socket): three zero bytes.
var ipHashPseudo [3]byte

// Pick returns the peer of key.IP's hash.
func (h *ipHash) Pick(now time.Time, key Key, tried *Tried) *Peer {
	if len(h.peers) == 1 || tried.tries > hashTries {
		return h.rr.Pick(now, key, tried)
	}
	t := now.UnixNano()
	addr := ipHashBytes(key.IP)
	hash := uint32(ipHashSeed)
	if tried.started {
		hash = tried.hash
	}
	for {
		hash = ipHashFold(hash, addr)
		p := h.peers[h.table.at(int64(hash)%h.table.total)]
		if !tried.Has(p.index) && p.pickable(t) {
			tried.hash, tried.started = hash, true
			tried.Add(p.index)
			return p
		}
		if tried.tries++; tried.tries > hashTries {
			return h.rr.Pick(now, key, tried)
		}
	}
}

// ipHashFold folds the address bytes into hash, nginx's inner loop.
func ipHashFold(hash uint32, addr []byte) uint32 {
	for _, b := range addr {
		hash = (hash*ipHashMul + uint32(b)) % ipHashMod
	}
	return hash
}

// ipHashBytes returns the bytes ip_hash folds: the first three octets of an
// IPv4 address (also in IPv4-mapped form), all of an IPv6 address, else
// the pseudo address.
func ipHashBytes(ip []byte) []byte {
	switch len(ip) {
	case 4:
		return ip[:3]
	case 16:
		if isV4Mapped(ip) {
			return ip[12:15]
		}
		return ip
	}
	return ipHashPseudo[:]
}

// isV4Mapped reports whether a 16-byte address is ::ffff:a.b.c.d.
func isV4Mapped(ip []byte) bool {
	for _, b := range ip[:10] {
		if b != 0 {
			return false
		}
	}
	return ip[10] == 0xff && ip[11] == 0xff
}
