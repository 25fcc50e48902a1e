package learn

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

const minute = int64(60e9)

func key(i int) Key { return KeyOf([]byte(fmt.Sprintf("session-%d", i))) }

func TestStoreLookupExpire(t *testing.T) {
	tb := New(64)
	a, b := tb.Server("10.0.0.1:80"), tb.Server("app-b")
	if tb.Server("10.0.0.1:80") != a || tb.ServerID(b) != "app-b" {
		t.Fatal("server identities")
	}
	tb.Store(key(1), a, 0)
	if s, ok := tb.Lookup(key(1), minute, 10*minute); !ok || s != a {
		t.Fatalf("lookup: %v %v", s, ok)
	}
	// A lookup refreshes: ten minutes from the last use, not the store.
	if _, ok := tb.Lookup(key(1), 10*minute+minute/2, 10*minute); !ok {
		t.Fatal("expired although used a minute after it was stored")
	}
	tb.Store(key(1), b, 11*minute) // the session moved
	if s, _ := tb.Lookup(key(1), 11*minute, 10*minute); s != b {
		t.Fatal("the move was not kept")
	}
	if _, ok := tb.Lookup(key(1), 22*minute, 10*minute); ok {
		t.Fatal("a session unused for 11 minutes was found with timeout 10m")
	}
	if st := tb.Stats(); st.Sessions != 0 || st.Expired != 1 {
		t.Fatalf("stats after expiry: %+v", st)
	}
	if _, ok := tb.Lookup(key(2), 0, 10*minute); ok {
		t.Fatal("found a session never stored")
	}
}

// When full, the least recently used session goes first.
func TestEvictionIsLeastRecentlyUsed(t *testing.T) {
	tb := New(shardCount) // one entry per shard
	// Two keys of the same shard.
	var same []Key
	for i := 0; len(same) < 3; i++ {
		if k := key(i); tb.shard(k) == tb.shard(key(0)) {
			same = append(same, k)
		}
	}
	tb.Store(same[0], 1, 1)
	tb.Store(same[1], 2, 2) // evicts same[0]
	if _, ok := tb.Lookup(same[0], 3, minute); ok {
		t.Fatal("the older session survived a full shard")
	}
	if s, ok := tb.Lookup(same[1], 3, minute); !ok || s != 2 {
		t.Fatal("the newer session was lost")
	}
	if st := tb.Stats(); st.Evicted != 1 || st.Sessions != 1 {
		t.Fatalf("stats %+v", st)
	}

	tb = New(4 * shardCount)
	var keys []Key
	for i := 0; len(keys) < 5; i++ {
		if k := key(i); tb.shard(k) == tb.shard(key(0)) {
			keys = append(keys, k)
		}
	}
	for i, k := range keys[:4] {
		tb.Store(k, Server(i), int64(i))
	}
	tb.Lookup(keys[0], 10, minute) // keys[1] is now the least recent
	tb.Store(keys[4], 4, 11)
	if _, ok := tb.Lookup(keys[1], 12, minute); ok {
		t.Fatal("evicted a session used more recently than another")
	}
	for _, k := range []Key{keys[0], keys[2], keys[3], keys[4]} {
		if _, ok := tb.Lookup(k, 12, minute); !ok {
			t.Fatal("lost a session that was not the least recently used")
		}
	}
}

// Random operations against a plain map with the same LRU rule: the
// probing index stays consistent through deletions.
func TestAgainstModel(t *testing.T) {
	const per = 8
	tb := New(per * shardCount)
	type rec struct {
		s    Server
		used int64
	}
	model := map[Key]rec{}
	shardOf := func(k Key) *shard { return tb.shard(k) }
	rng := rand.New(rand.NewPCG(1, 2))
	for step := int64(1); step < 50000; step++ {
		k := key(rng.IntN(400))
		switch rng.IntN(3) {
		case 0:
			s := Server(rng.IntN(5))
			if _, ok := model[k]; !ok {
				n := 0
				var oldest Key
				oldestUsed := int64(-1)
				for mk, r := range model {
					if shardOf(mk) == shardOf(k) {
						n++
						if oldestUsed < 0 || r.used < oldestUsed {
							oldest, oldestUsed = mk, r.used
						}
					}
				}
				if n == per {
					delete(model, oldest)
				}
			}
			tb.Store(k, s, step)
			model[k] = rec{s, step}
		case 1:
			got, ok := tb.Lookup(k, step, 1<<62)
			want, wok := model[k]
			if ok != wok || (ok && got != want.s) {
				t.Fatalf("step %d: lookup %v %v, model %v %v", step, got, ok, want, wok)
			}
			if ok {
				model[k] = rec{want.s, step}
			}
		case 2:
			tb.Delete(k)
			delete(model, k)
		}
	}
	if st := tb.Stats(); st.Sessions != len(model) {
		t.Fatalf("%d sessions, model %d", st.Sessions, len(model))
	}
}

func TestRetainDropsRemovedServers(t *testing.T) {
	tb := New(256)
	a, b := tb.Server("a"), tb.Server("b")
	for i := range 100 {
		tb.Store(key(i), []Server{a, b}[i%2], 0)
	}
	tb.Retain(func(s Server) bool { return s == a })
	for i := range 100 {
		s, ok := tb.Lookup(key(i), 0, minute)
		if ok != (i%2 == 0) || (ok && s != a) {
			t.Fatalf("session %d after Retain: %v %v", i, s, ok)
		}
	}
}

func TestLookupAndStoreAllocateNothing(t *testing.T) {
	tb := New(1024)
	k, s := key(1), tb.Server("a")
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		i++
		tb.Store(KeyOf([]byte{byte(i), byte(i >> 8)}), s, int64(i))
		tb.Lookup(k, int64(i), minute)
	}); n != 0 {
		t.Fatalf("%v allocations per store and lookup", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	tb := New(512)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				k := key(i % 700)
				if i%3 == 0 {
					tb.Store(k, Server(g), int64(i))
				} else {
					tb.Lookup(k, int64(i), minute)
				}
			}
		}()
	}
	wg.Wait()
	if st := tb.Stats(); st.Sessions > tb.Capacity() {
		t.Fatalf("%d sessions over capacity %d", st.Sessions, tb.Capacity())
	}
}

func BenchmarkLookup(b *testing.B) {
	tb := New(4000)
	for i := range 4000 {
		tb.Store(key(i), Server(i%4), 0)
	}
	k := KeyOf([]byte("session-1234"))
	b.ReportAllocs()
	for b.Loop() {
		tb.Lookup(k, 1, minute)
	}
}

func BenchmarkStoreEvicting(b *testing.B) {
	tb := New(4000)
	keys := make([]Key, 8192)
	for i := range keys {
		keys[i] = key(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tb.Store(keys[i&8191], 1, int64(i))
		i++
	}
}
