package upstream

import (
	"hash/crc32"
	"strconv"
	"time"
)

// hashBalancer is nginx's `hash KEY` without `consistent`
// (ngx_http_upstream_get_hash_peer), compatible with Perl's
// Cache::Memcached: hash += (crc32([REHASH] KEY) >> 16) & 0x7fff, REHASH
// being the decimal number of the attempt, omitted at the first; hash
// modulo the total weight selects a peer by weight ranges in configuration
// order. An unusable or tried peer triggers a rehash, up to 20 times, then
// round robin takes over; so does an empty key. Adding or removing a server
// remaps most keys: that is what `consistent` is for.
//
// A retry continues the sequence (hash and rehash kept in Tried).
// Lock-free apart from the round-robin fallback.
type hashBalancer struct {
	peers []*Peer
	table weightTable
	rr    *wrr
}

func newHash(peers []*Peer) *hashBalancer {
	return &hashBalancer{peers: peers, table: newWeightTable(peers), rr: newWRR(peers)}
}

// Pick returns the peer of key.Hash.
func (h *hashBalancer) Pick(now time.Time, key Key, tried *Tried) *Peer {
	if len(h.peers) == 1 || len(key.Hash) == 0 || tried.tries > hashTries {
		return h.rr.Pick(now, key, tried)
	}
	t := now.UnixNano()
	for {
		tried.hash += memcachedHash(key.Hash, tried.rehash)
		tried.rehash++
		p := h.peers[h.table.at(int64(uint64(tried.hash)%uint64(h.table.total)))]
		if !tried.Has(p.index) && p.pickable(t) {
			tried.Add(p.index)
			return p
		}
		if tried.tries++; tried.tries > hashTries {
			return h.rr.Pick(now, key, tried)
		}
	}
}

// memcachedHash is Cache::Memcached's bucket hash of key at attempt rehash:
// the top 15 bits of crc32(REHASH KEY).
func memcachedHash(key []byte, rehash uint32) uint32 {
	var crc uint32
	if rehash > 0 {
		var buf [10]byte
		crc = crc32Bytes(strconv.AppendUint(buf[:0], uint64(rehash), 10))
	}
	crc = crc32.Update(crc, crc32.IEEETable, key)
	return (crc >> 16) & 0x7fff
}

// crc32Bytes is crc32.ChecksumIEEE for a few bytes, byte by byte over the
// IEEE table: crc32.Update dispatches through a function value, which
// would move a stack buffer to the heap on every rehash.
func crc32Bytes(p []byte) uint32 {
	crc := ^uint32(0)
	for _, b := range p {
		crc = crc32.IEEETable[byte(crc)^b] ^ crc>>8
	}
	return ^crc
}
