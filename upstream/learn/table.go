// Package learn is the table of learned sessions behind nginx Plus's
// `sticky learn` (and HAProxy's stick tables): a session id the backend
// created, bound to the server that created it, found again when a later
// request carries the id.
//
// A Table is bounded, as nginx Plus's zone: its capacity is fixed when it
// is made, and when it is full the session used least recently is
// forgotten to make room (counted in Stats.Evicted). A session not used
// for its timeout is expired. Session ids are kept as their MD5, as nginx
// Plus keeps them, so that every entry has the same size and ids of any
// length cost the same; lookups and inserts allocate nothing.
//
// The table is split into shards, each with its own lock, so that
// concurrent requests seldom wait for each other.
package learn

import (
	"crypto/md5"
	"encoding/binary"
	"math"
	"sync"
	"sync/atomic"
)

// Key is a session id as the table keeps it: its MD5.
type Key [md5.Size]byte

// KeyOf returns the table's key for a session id.
func KeyOf(id []byte) Key { return md5.Sum(id) }

// Server names a server in a table: an index into the table's server
// identities (Table.ServerID), stable across reloads that keep the server.
type Server uint32

// shardCount is how many independently locked parts a table has.
const shardCount = 16

// Table is a bounded table of learned sessions. The zero value is not
// usable; see New.
type Table struct {
	shards [shardCount]shard

	idMu sync.Mutex
	ids  []string          // identities by Server
	byID map[string]Server // and back

	evicted, expired atomic.Uint64
}

// New returns a table that holds at most CapacityFor(capacity) sessions.
func New(capacity int) *Table {
	t := &Table{byID: map[string]Server{}}
	per := CapacityFor(capacity) / shardCount
	for i := range t.shards {
		t.shards[i].init(per)
	}
	return t
}

// CapacityFor returns the capacity of a table made for capacity
// sessions: rounded up to whole shards, one entry each at least.
func CapacityFor(capacity int) int {
	return max((capacity+shardCount-1)/shardCount, 1) * shardCount
}

// Capacity returns how many sessions the table holds at most.
func (t *Table) Capacity() int { return len(t.shards[0].entries) * shardCount }

// Server returns the Server that stands for a server identity (its id=
// parameter, or ip:port), making one the first time.
func (t *Table) Server(identity string) Server {
	t.idMu.Lock()
	defer t.idMu.Unlock()
	if s, ok := t.byID[identity]; ok {
		return s
	}
	s := Server(len(t.ids))
	t.ids = append(t.ids, identity)
	t.byID[identity] = s
	return s
}

// ServerID returns the identity s stands for.
func (t *Table) ServerID(s Server) string {
	t.idMu.Lock()
	defer t.idMu.Unlock()
	if int(s) < len(t.ids) {
		return t.ids[s]
	}
	return ""
}

// Lookup returns the server of session k if it was used within timeout
// (nanoseconds) before now, and marks it used at now. An expired session
// is forgotten.
func (t *Table) Lookup(k Key, now, timeout int64) (Server, bool) {
	s, ok, _ := t.lookupSynced(k, now, timeout, math.MaxInt64)
	return s, ok
}

// lookupSynced is Lookup for Shared: refresh reports that the session
// was last written to the shared store more than every before now (it is
// then taken as written now).
func (t *Table) lookupSynced(k Key, now, timeout, every int64) (s Server, ok, refresh bool) {
	sh := t.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i := sh.find(k)
	if i < 0 {
		return 0, false, false
	}
	e := &sh.entries[i]
	if now-e.used > timeout {
		sh.remove(i)
		t.expired.Add(1)
		return 0, false, false
	}
	e.used = now
	sh.touch(i)
	if now-e.synced > every {
		e.synced, refresh = now, true
	}
	return e.server, true, refresh
}

// storeSynced is Store for Shared: the session is being written to the
// shared store.
func (t *Table) storeSynced(k Key, s Server, now int64) { t.store(k, s, now, true) }

// Store binds session k to server s, used at now: a new session, or a
// known one that moved.
func (t *Table) Store(k Key, s Server, now int64) { t.store(k, s, now, false) }

// store is Store; synced marks the session written to a shared store at
// now.
func (t *Table) store(k Key, s Server, now int64, synced bool) {
	sh := t.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i := sh.find(k)
	if i < 0 {
		if sh.free < 0 {
			sh.remove(sh.tail) // full: the least recently used goes
			t.evicted.Add(1)
		}
		i = sh.insert(k, s, now)
	} else {
		sh.entries[i].server, sh.entries[i].used = s, now
		sh.touch(i)
	}
	if synced {
		sh.entries[i].synced = now
	}
}

// Delete forgets session k.
func (t *Table) Delete(k Key) {
	sh := t.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if i := sh.find(k); i >= 0 {
		sh.remove(i)
	}
}

// Stats are a table's counters.
type Stats struct {
	Sessions int    // held now (expired ones included until looked up or evicted)
	Capacity int    // the most it holds
	Evicted  uint64 // forgotten to make room
	Expired  uint64 // found expired and forgotten
}

// Stats returns the table's counters.
func (t *Table) Stats() Stats {
	st := Stats{Capacity: t.Capacity(), Evicted: t.evicted.Load(), Expired: t.expired.Load()}
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		st.Sessions += sh.count
		sh.mu.Unlock()
	}
	return st
}

// Retain forgets every session whose server keep rejects: those of
// servers a reload removed.
func (t *Table) Retain(keep func(Server) bool) {
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		for j := sh.head; j >= 0; {
			next := sh.entries[j].next
			if !keep(sh.entries[j].server) {
				sh.remove(j)
			}
			j = next
		}
		sh.mu.Unlock()
	}
}

func (t *Table) shard(k Key) *shard {
	return &t.shards[binary.LittleEndian.Uint32(k[:4])%shardCount]
}
