package upstream

import (
	"fmt"
	"strings"
	"testing"
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/conf/vars"
)

// t0 is the injected clock of every test: balancers and peers take the time
// as an argument, so windows are tested without sleeping.
var t0 = time.Unix(1_700_000_000, 0)

// opt sets one server parameter.
type opt func(*upstreamconf.Server)

func weight(n int) opt      { return func(s *upstreamconf.Server) { s.Weight = n } }
func maxFails(n int) opt    { return func(s *upstreamconf.Server) { s.MaxFails = n } }
func maxConns(n int) opt    { return func(s *upstreamconf.Server) { s.MaxConns = n } }
func named(name string) opt { return func(s *upstreamconf.Server) { s.Name = name } }
func failTimeout(d time.Duration) opt {
	return func(s *upstreamconf.Server) { s.FailTimeout = d }
}

var (
	backup opt = func(s *upstreamconf.Server) { s.Backup = true }
	down   opt = func(s *upstreamconf.Server) { s.Down = true }
	drain  opt = func(s *upstreamconf.Server) { s.Drain = true }
)

// srv is server number i (0 -> "a", address 10.0.0.1:80) with nginx's
// defaults and opts applied.
func srv(i int, opts ...opt) *upstreamconf.Server {
	addr := fmt.Sprintf("10.0.0.%d:80", i+1)
	s := &upstreamconf.Server{Name: addr, Addr: addr, Weight: 1, MaxFails: 1, FailTimeout: 10 * time.Second}
	for _, o := range opts {
		o(s)
	}
	return s
}

// servers builds one default server per weight.
func servers(weights ...int) []*upstreamconf.Server {
	out := make([]*upstreamconf.Server, len(weights))
	for i, w := range weights {
		out[i] = srv(i, weight(w))
	}
	return out
}

var (
	roundRobin = upstreamconf.Balancer{Kind: upstreamconf.RoundRobin}
	leastConnB = upstreamconf.Balancer{Kind: upstreamconf.LeastConn}
	ipHashB    = upstreamconf.Balancer{Kind: upstreamconf.IPHash}
	hashB      = upstreamconf.Balancer{Kind: upstreamconf.Hash, Key: vars.MustParse("$request_uri")}
	chashB     = upstreamconf.Balancer{Kind: upstreamconf.Hash, Key: vars.MustParse("$request_uri"), Consistent: true}
	randomB    = upstreamconf.Balancer{Kind: upstreamconf.Random}
	random2B   = upstreamconf.Balancer{Kind: upstreamconf.Random, Two: true}
)

// build makes an upstream named "u" on store (nil: a fresh one).
func build(t testing.TB, b upstreamconf.Balancer, store *StateStore, ss ...*upstreamconf.Server) *Upstream {
	t.Helper()
	u, err := NewUpstream(&upstreamconf.Config{Name: "u", Balancer: b, Servers: ss}, store)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// letter names peer i as the tests write sequences: a, b, c, ...
func letter(p *Peer) string {
	if p == nil {
		return "-"
	}
	return string(rune('a' + p.Index()))
}

// picks returns n picks at now, one fresh request each, as "a a b".
func picks(b Balancer, now time.Time, key Key, n int) string {
	out := make([]string, n)
	for i := range out {
		var tried Tried
		out[i] = letter(b.Pick(now, key, &tried))
	}
	return strings.Join(out, " ")
}

// retries returns up to n picks of one request, each retry excluding the
// peers tried before, as "a b -".
func retries(b Balancer, now time.Time, key Key, n int) string {
	var tried Tried
	out := make([]string, n)
	for i := range out {
		out[i] = letter(b.Pick(now, key, &tried))
	}
	return strings.Join(out, " ")
}

// fail records n failures of peer i at now.
func fail(u *Upstream, i, n int, now time.Time) {
	for range n {
		u.Peers[i].Failure(now)
	}
}

// hold acquires n connections on peer i.
func hold(t testing.TB, u *Upstream, i, n int) {
	t.Helper()
	for range n {
		if !u.Peers[i].Acquire(t0) {
			t.Fatalf("Acquire(%s) refused", letter(u.Peers[i]))
		}
	}
}

// counts tallies n picks by peer letter.
func counts(b Balancer, now time.Time, n int, key func(i int) Key) map[string]int {
	c := make(map[string]int)
	for i := range n {
		var tried Tried
		c[letter(b.Pick(now, key(i), &tried))]++
	}
	return c
}

func noKey(int) Key { return Key{} }
