package upstream

import (
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/parser"
)

// Upstream is one `upstream` block made ready to serve: its peers, primary
// and backup, and the balancer its configuration asks for. It is immutable
// once built (the peers' shared state aside) and safe for concurrent use.
type Upstream struct {
	// Conf is the configuration the upstream was built from; the proxy
	// reads its keepalive and session_sticky settings there.
	Conf *upstreamconf.Config
	// Peers lists every server address in configuration order:
	// Peers[i].Index() == i, the index sticky sids and Tried use.
	Peers []*Peer
	// Primaries and Backups split Peers, each in configuration order.
	Primaries, Backups []*Peer

	balancer Balancer
	queue    *waitQueue // nil without a queue directive
	keys     []string   // each peer's key (key.go), by index
}

// NewUpstream builds the upstream u describes, as conf checked it (at
// least one server that is not a backup, weights of 1 or more, a hash key,
// backups only with round robin and least_conn): nothing is checked again
// here. Peer state comes from store, keyed by u.Name and each server's
// address, so an upstream rebuilt by a reload continues with what the
// previous one learnt; a nil store gives the upstream state of its own.
// The only error is a balancing method this package does not know, a
// mismatch between the two packages.
func NewUpstream(u *upstreamconf.Config, store *StateStore) (*Upstream, error) {
	if store == nil {
		store = NewStateStore()
	}
	up := &Upstream{Conf: u}
	if q := u.Queue; q != nil {
		up.queue = &waitQueue{size: q.Size, timeout: q.Timeout}
	}
	up.addPeers(store)
	up.keys = serverKeys(up.Peers)
	b, err := newBalancer(u, up.Primaries, up.Backups)
	if err != nil {
		return nil, err
	}
	up.balancer = b
	return up, nil
}

// addPeers builds one peer per configured server address.
func (up *Upstream) addPeers(store *StateStore) {
	u := up.Conf
	seen := make(map[string]int, len(u.Servers)) // servers so far per address
	for i, s := range u.Servers {
		nth := seen[s.Addr]
		seen[s.Addr]++
		p := &Peer{
			Server: s, Addr: s.Addr, index: i,
			weight: int64(s.Weight), maxFails: int64(s.MaxFails),
			failTimeout: int64(s.FailTimeout), maxConns: int64(s.MaxConns), slowStart: int64(s.SlowStart),
			down: s.Down, backup: s.Backup, drain: s.Drain,
			state: store.State(u.Name, s.Addr, nth), queue: up.queue,
		}
		up.Peers = append(up.Peers, p)
		if s.Backup {
			up.Backups = append(up.Backups, p)
		} else {
			up.Primaries = append(up.Primaries, p)
		}
	}
	// nginx's peers->single: one primary address and no backup.
	if len(up.Primaries) > 0 {
		up.Primaries[0].single = len(up.Peers) == 1
	}
}

// newBalancer builds the balancer of u's method over the primaries, with
// the same method over the backups behind it.
func newBalancer(u *upstreamconf.Config, primaries, backups []*Peer) (Balancer, error) {
	var build func([]*Peer) Balancer
	switch b := u.Balancer; b.Kind {
	case upstreamconf.RoundRobin:
		build = func(p []*Peer) Balancer { return newWRR(p) }
	case upstreamconf.LeastConn:
		build = func(p []*Peer) Balancer { return newLeastConn(p) }
	case upstreamconf.IPHash:
		build = func(p []*Peer) Balancer { return newIPHash(p) }
	case upstreamconf.Hash:
		build = func(p []*Peer) Balancer { return newHash(p) }
		if b.Consistent {
			build = func(p []*Peer) Balancer { return newCHash(p) }
		}
	case upstreamconf.Random:
		build = func(p []*Peer) Balancer { return newRandom(p, b.Two) }
	default:
		return nil, parser.Errorf(b.Pos, "unknown balancing method %d", uint8(b.Kind))
	}
	primary := build(primaries)
	if len(backups) == 0 {
		return primary, nil
	}
	return &tiered{primary: primary, backup: build(backups)}, nil
}

// Name returns the upstream's name as written.
func (up *Upstream) Name() string { return up.Conf.Name }

// Peer returns the peer at index i, or nil when i is out of range.
func (up *Upstream) Peer(i int) *Peer {
	if i < 0 || i >= len(up.Peers) {
		return nil
	}
	return up.Peers[i]
}

// Balancer returns the upstream's balancer, backups included.
func (up *Upstream) Balancer() Balancer { return up.balancer }

// Pick asks the upstream's balancer for a peer: a primary, or a backup
// when no primary can take the request. See Balancer.Pick.
func (up *Upstream) Pick(now time.Time, key Key, tried *Tried) *Peer {
	return up.balancer.Pick(now, key, tried)
}

// Revive forgets every peer's passive-health failures. The retry loop calls
// it when the first Pick of a request finds no peer at all: nginx then
// "marks them as live for quick recovery" rather than answering 502 for a
// whole fail_timeout. Peers that are down, held down by active checks or
// full stay out.
func (up *Upstream) Revive() {
	for _, p := range up.Peers {
		if p.state.fails.Load() != 0 {
			p.state.fails.Store(0)
		}
	}
}
