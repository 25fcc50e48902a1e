package upstream

import (
	"cmp"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"sync"
	"time"
)

// chash is nginx's `hash KEY consistent` (ngx_http_upstream_init_chash and
// ngx_http_upstream_get_chash_peer), a ketama ring compatible with Perl's
// Cache::Memcached::Fast. Each server, as written in the configuration,
// puts 160 points per unit of weight on a ring of uint32: point j is
// crc32(HOST "\0" PORT PREV), PREV being point j-1 as 4 little-endian bytes
// (zero for the first). A key goes to the first point at or after
// crc32(KEY), wrapping around; an unusable or tried server sends it to the
// next point, up to 20 times, then round robin takes over, as it does for
// an empty key.
//
// Removing one of N servers moves only the keys of its points, about 1/N,
// and never a key between two servers that stay. Because points come from
// the written name and not from the resolved address, keys map to the same
// servers as in nginx, and the addresses of a name that resolves to several
// IPs share its points: smooth weighted round robin spreads them, under mu.
type chash struct {
	peers  []*Peer
	points []chashPoint // sorted by hash, no two equal
	groups [][]int      // peer indexes (into peers) per written name
	rr     *wrr

	mu      sync.Mutex // guards current
	current []int64
}

// chashPoint is one point of the ring and the server name that owns it.
type chashPoint struct {
	hash  uint32
	group uint32
}

// chashPointsPerWeight is ketama's (and nginx's) number of points per unit
// of weight.
const chashPointsPerWeight = 160

func newCHash(peers []*Peer) *chash {
	c := &chash{peers: peers, rr: newWRR(peers), current: make([]int64, len(peers))}
	byName := make(map[string]uint32)
	for i, p := range peers {
		g, seen := byName[p.Server.Name]
		if !seen {
			g = uint32(len(c.groups))
			byName[p.Server.Name] = g
			c.groups = append(c.groups, nil)
		}
		c.groups[g] = append(c.groups[g], i)
		c.points = appendChashPoints(c.points, p.Server.Name, p.weight, g)
	}
	// nginx sorts with qsort, which leaves equal hashes of two names in no
	// defined order; ordering them by group keeps gw deterministic.
	slices.SortFunc(c.points, func(a, b chashPoint) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.group, b.group))
	})
	c.points = slices.CompactFunc(c.points, func(a, b chashPoint) bool { return a.hash == b.hash })
	return c
}

// appendChashPoints appends the ring points of server name (as written in
// the configuration) with weight w.
func appendChashPoints(points []chashPoint, name string, w int64, group uint32) []chashPoint {
	host, port := splitChashName(name)
	base := crc32.Update(0, crc32.IEEETable, []byte(host))
	base = crc32.Update(base, crc32.IEEETable, []byte{0})
	base = crc32.Update(base, crc32.IEEETable, []byte(port))
	var prev [4]byte
	for range w * chashPointsPerWeight {
		h := crc32.Update(base, crc32.IEEETable, prev[:])
		points = append(points, chashPoint{hash: h, group: group})
		binary.LittleEndian.PutUint32(prev[:], h)
	}
	return points
}

// splitChashName splits a server name the way nginx's ring does: the port
// is the run of digits after the last ':', if the name ends with one; else
// the whole name is the host ("[::1]" has no port, "backend" neither).
func splitChashName(name string) (host, port string) {
	for j := len(name) - 1; j >= 0; j-- {
		c := name[j]
		if c == ':' {
			return name[:j], name[j+1:]
		}
		if c < '0' || c > '9' {
			break
		}
	}
	return name, ""
}

// find returns the index of the first point at or after hash; len(points)
// when there is none, which wraps to 0.
func (c *chash) find(hash uint32) uint32 {
	i, _ := slices.BinarySearchFunc(c.points, hash, func(p chashPoint, h uint32) int {
		return cmp.Compare(p.hash, h)
	})
	return uint32(i)
}

// Pick returns the server of key.Hash's point on the ring.
func (c *chash) Pick(now time.Time, key Key, tried *Tried) *Peer {
	if len(c.peers) == 1 || len(key.Hash) == 0 || tried.tries > hashTries {
		return c.rr.Pick(now, key, tried)
	}
	if !tried.started {
		tried.hash, tried.started = c.find(crc32.ChecksumIEEE(key.Hash)), true
	}
	t := now.UnixNano()
	n := uint32(len(c.points))
	for {
		group := c.groups[c.points[tried.hash%n].group]
		if i := c.pickGroup(group, t, tried); i >= 0 {
			p := c.peers[i]
			tried.Add(p.index)
			return p
		}
		tried.hash++
		if tried.tries++; tried.tries > hashTries {
			return c.rr.Pick(now, key, tried)
		}
	}
}

// pickGroup picks among the addresses of one server name: the only one
// without locking, else by a smooth-WRR round as nginx does.
func (c *chash) pickGroup(group []int, now int64, tried *Tried) int {
	if len(group) == 1 {
		p := c.peers[group[0]]
		if tried.Has(p.index) || !p.pickable(now) {
			return -1
		}
		return group[0]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	best, total := -1, int64(0)
	for _, i := range group {
		p := c.peers[i]
		if tried.Has(p.index) || !p.pickable(now) {
			continue
		}
		best, total = addToRound(c.peers, c.current, i, best, total)
	}
	if best >= 0 {
		c.current[best] -= total
	}
	return best
}
