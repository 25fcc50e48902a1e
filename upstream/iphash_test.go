package upstream

import (
	"net/netip"
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// refIPHash is nginx's ip_hash written out from its description, separately
// from the implementation: the candidates (peer indexes) of successive
// rehashes of addr over weights.
func refIPHash(addr []byte, weights []int, n int) []int {
	total := 0
	for _, w := range weights {
		total += w
	}
	var out []int
	h := 89
	for range n {
		for _, b := range addr {
			h = (h*113 + int(b)) % 6271
		}
		w, i := h%total, 0
		for w >= weights[i] {
			w -= weights[i]
			i++
		}
		out = append(out, i)
	}
	return out
}

func ipKey(s string) Key {
	a := netip.MustParseAddr(s)
	b := a.AsSlice()
	return Key{IP: b}
}

func TestIPHashKnownValues(t *testing.T) {
	// 192.168.1.0/24 folds to 154 (-> peer 1 of 3), then 5654 (-> 2),
	// computed by hand from nginx's formula.
	if got := refIPHash([]byte{192, 168, 1}, []int{1, 1, 1}, 2); got[0] != 1 || got[1] != 2 {
		t.Fatalf("reference = %v, want [1 2]", got)
	}
	tests := []struct {
		name    string
		servers []*upstreamconf.Server
		ip      string
		want    string
	}{
		{"IPv4 192.168.1.7 over 1:1:1", servers(1, 1, 1), "192.168.1.7", "b b"},
		{"rehash when the peer is down", []*upstreamconf.Server{srv(0), srv(1, down), srv(2)}, "192.168.1.7", "c c"},
		{"rehash when the peer is draining", []*upstreamconf.Server{srv(0), srv(1, drain), srv(2)}, "192.168.1.7", "c c"},
		{"IPv4-mapped IPv6 counts as IPv4", servers(1, 1, 1), "::ffff:192.168.1.7", "b b"},
		{"single peer", servers(1), "192.168.1.7", "a a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, ipHashB, nil, tt.servers...)
			if got := picks(u, t0, ipKey(tt.ip), 2); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestIPHashMatchesNginx compares every pick with the reference for many
// clients, weighted and not, IPv4 and IPv6.
func TestIPHashMatchesNginx(t *testing.T) {
	tests := []struct {
		name    string
		weights []int
		ips     func(i int) netip.Addr
	}{
		{"IPv4 /24s, equal weights", []int{1, 1, 1, 1}, func(i int) netip.Addr {
			return netip.AddrFrom4([4]byte{byte(i >> 8), byte(i), byte(i * 7), 9})
		}},
		{"IPv4 /24s, weights 3:1:2", []int{3, 1, 2}, func(i int) netip.Addr {
			return netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 1})
		}},
		{"IPv4-mapped IPv6 as IPv4", []int{1, 1, 1}, func(i int) netip.Addr {
			return netip.AddrFrom16(netip.AddrFrom4([4]byte{172, byte(i >> 8), byte(i), 5}).As16())
		}},
		{"IPv6, all 16 bytes", []int{1, 2, 1}, func(i int) netip.Addr {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i), 14: byte(i >> 8)})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, ipHashB, nil, servers(tt.weights...)...)
			seen := make(map[int]bool)
			for i := range 2000 {
				a := tt.ips(i)
				addr := a.AsSlice()
				if a.Is4In6() {
					addr = a.Unmap().AsSlice()
				}
				if len(addr) == 4 {
					addr = addr[:3]
				}
				want := refIPHash(addr, tt.weights, 1)[0]
				var tried Tried
				if got := u.Pick(t0, Key{IP: a.AsSlice()}, &tried).Index(); got != want {
					t.Fatalf("%s: peer %d, want %d", a, got, want)
				}
				seen[want] = true
			}
			if len(seen) != len(tt.weights) {
				t.Errorf("only peers %v were used", seen)
			}
		})
	}
}

func TestIPHashSameSubnetSamePeer(t *testing.T) {
	u := build(t, ipHashB, nil, servers(1, 1, 1, 1, 1)...)
	var tried Tried
	first := u.Pick(t0, ipKey("203.0.113.0"), &tried)
	for last := range 256 {
		var tried Tried
		if p := u.Pick(t0, Key{IP: []byte{203, 0, 113, byte(last)}}, &tried); p != first {
			t.Fatalf("203.0.113.%d went to %s, 203.0.113.0 to %s", last, letter(p), letter(first))
		}
	}
}

// TestIPHashRetryContinues: a retry folds again from the last hash, so the
// request walks nginx's rehash sequence, skipping what it tried.
func TestIPHashRetryContinues(t *testing.T) {
	u := build(t, ipHashB, nil, servers(1, 1, 1)...)
	var want []byte
	seen := make(map[int]bool)
	for _, i := range refIPHash([]byte{192, 168, 1}, []int{1, 1, 1}, 21) {
		if !seen[i] {
			seen[i] = true
			want = append(want, byte('a'+i), ' ')
		}
	}
	want = append(want, '-')
	if got := retries(u, t0, ipKey("192.168.1.7"), 4); got != string(want) {
		t.Errorf("retries = %q, want %q", got, want)
	}
}

// TestIPHashFallsBackToRoundRobin: after the first candidate and 20
// rehashes all land on unusable peers, round robin picks.
func TestIPHashFallsBackToRoundRobin(t *testing.T) {
	weights := []int{1, 1000, 1}
	var exhausted, rehashed []byte
	for i := 0; i < 65536 && (exhausted == nil || rehashed == nil); i++ {
		addr := []byte{byte(i >> 8), byte(i), 1}
		cands := refIPHash(addr, weights, 21)
		switch first := firstOtherThan(cands, 1); {
		case first < 0 && exhausted == nil:
			exhausted = addr
		case first == 2 && rehashed == nil:
			rehashed = addr
		}
	}
	if exhausted == nil || rehashed == nil {
		t.Fatal("no test addresses found")
	}
	tests := []struct {
		name     string
		addr     []byte
		want     string
		fellBack bool
	}{
		{"21 candidates on the down peer: round robin's first pick", exhausted, "a", true},
		{"a rehash finds c", rehashed, "c", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := build(t, ipHashB, nil, srv(0), srv(1, weight(1000), down), srv(2))
			var tried Tried
			got := letter(u.Pick(t0, Key{IP: append(tt.addr, 1)}, &tried))
			if got != tt.want || (tried.tries > hashTries) != tt.fellBack {
				t.Errorf("pick %s (tries %d), want %s (fallback %v)", got, tried.tries, tt.want, tt.fellBack)
			}
		})
	}
}

// firstOtherThan returns the first candidate that is not skip, or -1.
func firstOtherThan(cands []int, skip int) int {
	for _, c := range cands {
		if c != skip {
			return c
		}
	}
	return -1
}
