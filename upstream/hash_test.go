package upstream

import (
	"fmt"
	"hash/crc32"
	"math"
	"strconv"
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// refHash is nginx's plain `hash KEY` written out from its description
// (Cache::Memcached: hash += (crc32([REHASH] KEY) >> 16) & 0x7fff), apart
// from the implementation: the peer indexes of the first n attempts.
func refHash(key string, weights []int, n int) []int {
	total := 0
	for _, w := range weights {
		total += w
	}
	var out []int
	var hash uint32
	for rehash := range n {
		s := key
		if rehash > 0 {
			s = strconv.Itoa(rehash) + key
		}
		hash += (crc32.ChecksumIEEE([]byte(s)) >> 16) & 0x7fff
		w, i := int(hash%uint32(total)), 0
		for w >= weights[i] {
			w -= weights[i]
			i++
		}
		out = append(out, i)
	}
	return out
}

func hashKey(s string) Key { return Key{Hash: []byte(s)} }

func TestHashKnownValues(t *testing.T) {
	// crc32("foo") = 0x8c736521: bucket 0x0c73 = 3187, 3187 % 3 = 1.
	if got := refHash("foo", []int{1, 1, 1}, 1)[0]; got != 1 {
		t.Fatalf("reference hash of foo = %d, want 1", got)
	}
	tests := []struct {
		name    string
		servers []*upstreamconf.Server
		key     string
		want    string
	}{
		{"foo over 1:1:1 is stable", servers(1, 1, 1), "foo", "b b b"},
		{"empty key is round robin", servers(1, 1, 1), "", "a b c"},
		{"single peer", servers(1), "foo", "a a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, hashB, nil, tt.servers...)
			if got := picks(u, t0, hashKey(tt.key), len(splitSeq(tt.want))); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHashMatchesNginx compares picks with the reference, first choices
// and rehashes around a down peer.
func TestHashMatchesNginx(t *testing.T) {
	weights := []int{1, 2, 3}
	up := build(t, hashB, nil, servers(weights...)...)
	ss := servers(weights...)
	ss[1].Down = true
	downB := build(t, hashB, nil, ss...)
	for i := range 3000 {
		key := fmt.Sprintf("/item/%d", i)
		cands := refHash(key, weights, 21)
		var tried Tried
		if got := up.Pick(t0, hashKey(key), &tried).Index(); got != cands[0] {
			t.Fatalf("%s: peer %d, want %d", key, got, cands[0])
		}
		want := firstOtherThan(cands, 1)
		tried = Tried{}
		if got := downB.Pick(t0, hashKey(key), &tried).Index(); want >= 0 && got != want {
			t.Fatalf("%s with b down: peer %d, want %d", key, got, want)
		}
	}
}

// TestHashRetryContinues: a retry continues the rehash sequence.
func TestHashRetryContinues(t *testing.T) {
	u := build(t, hashB, nil, servers(1, 1, 1, 1)...)
	key := "/cart"
	var want []byte
	seen := make(map[int]bool)
	for _, i := range refHash(key, []int{1, 1, 1, 1}, 21) {
		if !seen[i] {
			seen[i] = true
			want = append(want, byte('a'+i), ' ')
		}
	}
	got := retries(u, t0, hashKey(key), len(seen))
	if got+" " != string(want) {
		t.Errorf("retries = %q, want %q", got, want)
	}
}

// TestHashDistribution: over 30,000 keys each peer gets its weighted share
// within 20%, for both hash flavours.
func TestHashDistribution(t *testing.T) {
	weights := []int{1, 2, 3, 2}
	for _, b := range []struct {
		name string
		bal  upstreamconf.Balancer
	}{{"hash", hashB}, {"hash consistent", chashB}} {
		t.Run(b.name, func(t *testing.T) {
			u := build(t, b.bal, nil, servers(weights...)...)
			const n = 30000
			got := counts(u, t0, n, func(i int) Key { return hashKey(fmt.Sprintf("/user/%d/profile", i)) })
			for i, w := range weights {
				share := float64(n) * float64(w) / 8
				c := float64(got[string(rune('a'+i))])
				if math.Abs(c-share) > 0.2*share {
					t.Errorf("peer %c got %v keys, weighted share %v", 'a'+i, c, share)
				}
			}
		})
	}
}

// TestHashStableAcrossRebuilds: a key maps to the same server in every
// runtime built from the same configuration, and in every process.
func TestHashStableAcrossRebuilds(t *testing.T) {
	for _, bal := range []upstreamconf.Balancer{hashB, chashB} {
		u1 := build(t, bal, nil, servers(1, 2, 1)...)
		u2 := build(t, bal, nil, servers(1, 2, 1)...)
		for i := range 1000 {
			k := hashKey(strconv.Itoa(i))
			var t1, t2 Tried
			if a, b := u1.Pick(t0, k, &t1), u2.Pick(t0, k, &t2); a.Index() != b.Index() {
				t.Fatalf("consistent=%v key %d: %s then %s", bal.Consistent, i, letter(a), letter(b))
			}
		}
	}
}
