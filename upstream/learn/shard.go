package learn

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// shard is one locked part of a Table: a fixed slab of entries, an
// open-addressing index over them (linear probing, at most half full),
// the entries in use on a list from most to least recently used, and the
// others on a free list. Nothing grows after init: a full shard forgets
// its least recently used entry.
type shard struct {
	mu      sync.Mutex
	entries []entry
	index   []int32 // entry index + 1; 0 is an empty slot
	mask    uint32

	head, tail int32 // most and least recently used entry; -1: none
	free       int32 // first free entry; -1: the shard is full
	count      int
}

// entry is one session, or a free entry (then next links the free list).
type entry struct {
	key        Key
	server     Server
	slot       int32 // its place in index
	used       int64 // when it was last used, in the caller's nanoseconds
	synced     int64 // when it was last written to a shared store (Shared)
	prev, next int32
}

func (sh *shard) init(n int) {
	sh.entries = make([]entry, n)
	size := 1 << bits.Len(uint(2*n-1)) // a power of two, at least 2n
	sh.index = make([]int32, size)
	sh.mask = uint32(size - 1)
	sh.head, sh.tail = -1, -1
	for i := range sh.entries {
		sh.entries[i].next = int32(i + 1)
	}
	sh.entries[n-1].next = -1
	sh.free = 0
}

// home is the index slot where key k's probe starts. The shard was chosen
// by the key's first bytes; the slot comes from the next ones.
func (sh *shard) home(k *Key) uint32 {
	return binary.LittleEndian.Uint32(k[4:8]) & sh.mask
}

// find returns the entry holding k, or -1.
func (sh *shard) find(k Key) int32 {
	for pos := sh.home(&k); ; pos = (pos + 1) & sh.mask {
		v := sh.index[pos]
		if v == 0 {
			return -1
		}
		if sh.entries[v-1].key == k {
			return v - 1
		}
	}
}

// insert takes a free entry for k (the caller made sure there is one)
// and returns it.
func (sh *shard) insert(k Key, s Server, now int64) int32 {
	i := sh.free
	e := &sh.entries[i]
	sh.free = e.next
	e.key, e.server, e.used = k, s, now
	pos := sh.home(&k)
	for sh.index[pos] != 0 {
		pos = (pos + 1) & sh.mask
	}
	sh.index[pos] = i + 1
	e.slot = int32(pos)
	sh.pushFront(i)
	sh.count++
	return i
}

// remove frees entry i. Its index slot is emptied and the entries probed
// after it shift back where their probe would otherwise stop short
// (deletion without tombstones).
func (sh *shard) remove(i int32) {
	pos := uint32(sh.entries[i].slot)
	sh.index[pos] = 0
	for j := (pos + 1) & sh.mask; sh.index[j] != 0; j = (j + 1) & sh.mask {
		e := sh.index[j] - 1
		h := sh.home(&sh.entries[e].key)
		// The entry at j stays only if its home lies cyclically in
		// (pos, j]: its probe then never passes the emptied slot.
		if (j > pos && h > pos && h <= j) || (j < pos && (h > pos || h <= j)) {
			continue
		}
		sh.index[pos] = sh.index[j]
		sh.entries[e].slot = int32(pos)
		sh.index[j] = 0
		pos = j
	}
	sh.unlink(i)
	sh.entries[i] = entry{next: sh.free}
	sh.free = i
	sh.count--
}

// touch makes entry i the most recently used.
func (sh *shard) touch(i int32) {
	if sh.head == i {
		return
	}
	sh.unlink(i)
	sh.pushFront(i)
}

func (sh *shard) pushFront(i int32) {
	e := &sh.entries[i]
	e.prev, e.next = -1, sh.head
	if sh.head >= 0 {
		sh.entries[sh.head].prev = i
	}
	sh.head = i
	if sh.tail < 0 {
		sh.tail = i
	}
}

func (sh *shard) unlink(i int32) {
	e := &sh.entries[i]
	if e.prev >= 0 {
		sh.entries[e.prev].next = e.next
	} else {
		sh.head = e.next
	}
	if e.next >= 0 {
		sh.entries[e.next].prev = e.prev
	} else {
		sh.tail = e.prev
	}
}
