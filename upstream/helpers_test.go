package upstream

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
)

// t0 is the injected clock of every test: balancers and peers take the time
// as an argument, so windows are tested without sleeping.
var t0 = time.Unix(1_700_000_000, 0)

// opt sets one server parameter.
type opt func(*conf.UpstreamServer)

func weight(n int) opt      { return func(s *conf.UpstreamServer) { s.Weight = n } }
func maxFails(n int) opt    { return func(s *conf.UpstreamServer) { s.MaxFails = n } }
func maxConns(n int) opt    { return func(s *conf.UpstreamServer) { s.MaxConns = n } }
func named(name string) opt { return func(s *conf.UpstreamServer) { s.Name = name } }
func failTimeout(d time.Duration) opt {
	return func(s *conf.UpstreamServer) { s.FailTimeout = d }
}

var (
	backup opt = func(s *conf.UpstreamServer) { s.Backup = true }
	down   opt = func(s *conf.UpstreamServer) { s.Down = true }
	drain  opt = func(s *conf.UpstreamServer) { s.Drain = true }
)

// srv is server number i (0 -> "a", address 10.0.0.1:80) with nginx's
// defaults and opts applied.
func srv(i int, opts ...opt) *conf.UpstreamServer {
	addr := fmt.Sprintf("10.0.0.%d:80", i+1)
	s := &conf.UpstreamServer{Name: addr, Addr: addr, Weight: 1, MaxFails: 1, FailTimeout: 10 * time.Second}
	for _, o := range opts {
		o(s)
	}
	return s
}

// servers builds one default server per weight.
func servers(weights ...int) []*conf.UpstreamServer {
	out := make([]*conf.UpstreamServer, len(weights))
	for i, w := range weights {
		out[i] = srv(i, weight(w))
	}
	return out
}

var (
	roundRobin = conf.Balancer{Kind: conf.RoundRobin}
	leastConnB = conf.Balancer{Kind: conf.LeastConn}
	ipHashB    = conf.Balancer{Kind: conf.IPHash}
	hashB      = conf.Balancer{Kind: conf.Hash, Key: vars.MustParse("$request_uri")}
	chashB     = conf.Balancer{Kind: conf.Hash, Key: vars.MustParse("$request_uri"), Consistent: true}
	randomB    = conf.Balancer{Kind: conf.Random}
	random2B   = conf.Balancer{Kind: conf.Random, Two: true}
)

// build makes an upstream named "u" on store (nil: a fresh one).
func build(t testing.TB, b conf.Balancer, store *StateStore, ss ...*conf.UpstreamServer) *Upstream {
	t.Helper()
	u, err := NewUpstream(&conf.Upstream{Name: "u", Balancer: b, Servers: ss}, store)
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
