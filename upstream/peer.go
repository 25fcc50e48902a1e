package upstream

import (
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// Peer is one server address of an upstream: its configuration, fixed for
// the life of a runtime, and a pointer to its shared mutable PeerState.
// A Peer is safe for concurrent use.
type Peer struct {
	// Server is the configuration the peer was built from; a host name
	// that resolves to several IPs gives several peers sharing Name.
	Server *upstreamconf.Server
	// Addr is the address to dial, "ip:port" or "[ipv6]:port".
	Addr string

	index       int
	weight      int64 // configured; see weightNow
	maxFails    int64
	failTimeout int64      // ns
	maxConns    int64      // 0: unlimited
	slowStart   int64      // ns; 0: none
	queue       *waitQueue // the upstream's queue, nil without one
	down        bool       // configured; see Down
	backup      bool
	drain       bool // configured; see Drain
	// single: the upstream's only server, with no backup. nginx ignores
	// max_fails and fail_timeout for it ("such a server will never be
	// considered unavailable"): failing it would only turn errors into 502s.
	single bool

	state *PeerState
}

// Index returns the peer's position in its upstream, the order of the
// server directives (Upstream.Peers[i].Index() == i); sticky sids and
// Tried refer to peers by it.
func (p *Peer) Index() int { return p.index }

// Weight returns the weight in effect: the operator's override
// (PeerState.SetWeight) or the configured weight (at least 1).
func (p *Peer) Weight() int { return int(p.weightNow()) }

// weightNow is Weight for the balancers' arithmetic.
func (p *Peer) weightNow() int64 {
	w := p.weight
	if o := p.state.weight.Load(); o > 0 {
		w = o
	}
	if p.slowStart > 0 {
		w = p.state.slowStartWeight(w, p.slowStart)
	}
	return w
}

// Backup reports whether the peer is a backup server.
func (p *Peer) Backup() bool { return p.backup }

// Down reports whether the peer is out of service: marked `down` in the
// configuration (unless an operator set it ready), or put in maintenance
// by an operator (PeerState.SetAdmin).
func (p *Peer) Down() bool {
	down, _ := p.admin()
	return down
}

// Drain reports whether the peer is draining [gw]: marked `drain` in the
// configuration (unless an operator set it ready) or by an operator.
// Balancers never pick it for a new session, but the sticky layer keeps
// sending it the clients whose cookie names it, as long as it is
// Available.
func (p *Peer) Drain() bool {
	_, drain := p.admin()
	return drain
}

// admin is the state in effect: the operator's override, else the
// configuration's.
func (p *Peer) admin() (down, drain bool) {
	switch Admin(p.state.admin.Load()) {
	case AdminConfig:
		return p.down, p.drain
	case AdminDrain:
		return false, true
	case AdminMaint:
		return true, false
	}
	return false, false // AdminReady
}

// State returns the peer's shared mutable state.
func (p *Peer) State() *PeerState { return p.state }

// Available reports whether the peer can take a request at now: it is not
// `down` (Down), not held down by active health checks, not failed by passive
// checks (max_fails failures, the last within fail_timeout: nginx's rule),
// and below max_conns. Drain is not considered: see Drain.
func (p *Peer) Available(now time.Time) bool {
	return p.available(now.UnixNano())
}

// available is Available with the clock already read, for balancers that
// check many peers against one instant.
func (p *Peer) available(now int64) bool {
	if down, _ := p.admin(); down {
		return false
	}
	return p.inService(now)
}

// inService is available without the administrative state: healthy and
// below max_conns. It is written out rather than built of healthy and
// full: it runs for every peer of every pick, and the calls cost the
// inliner's budget (BenchmarkPick).
func (p *Peer) inService(now int64) bool {
	s := p.state
	if s.health.down.Load() {
		return false
	}
	if p.maxConns > 0 && s.conns.Load() >= p.maxConns {
		return false
	}
	return !p.failed(now)
}

// healthy reports that neither active checks nor passive health hold the
// peer out.
func (p *Peer) healthy(now int64) bool {
	return !p.state.health.down.Load() && !p.failed(now)
}

// full reports that the peer is at max_conns.
func (p *Peer) full() bool {
	return p.maxConns > 0 && p.state.conns.Load() >= p.maxConns
}

// failed is nginx's passive-health test (ngx_http_upstream_get_peer):
// max_fails failures and the last failure or probe no longer ago than
// fail_timeout. Once fail_timeout has passed the peer is offered again;
// the first Acquire after that moves checked to now, so until that probe
// request succeeds (Success resets the count) or fails (Failure restarts the
// window) the peer is out again: one probe at a time, as in nginx.
func (p *Peer) failed(now int64) bool {
	if p.maxFails == 0 || p.single {
		return false
	}
	s := p.state
	return s.fails.Load() >= p.maxFails && now-s.checked.Load() <= p.failTimeout
}

// pickable is what balancers require of a peer for a new session.
func (p *Peer) pickable(now int64) bool {
	down, drain := p.admin()
	return !down && !drain && p.inService(now)
}

// Acquire counts a request about to be sent to the peer, whoever chose it
// (a balancer or a sticky cookie), and reports false, counting nothing,
// when the peer is at max_conns: another request took the last slot since
// the peer was chosen. It also does what nginx does when it hands out a
// peer: once fail_timeout has passed since the last failure or probe, this
// request becomes the probe (checked = now), so that its Success revives
// the peer. Every successful Acquire needs one Release.
func (p *Peer) Acquire(now time.Time) bool {
	s := p.state
	if p.maxConns > 0 {
		for {
			c := s.conns.Load()
			if c >= p.maxConns {
				return false
			}
			if s.conns.CompareAndSwap(c, c+1) {
				break
			}
		}
	} else {
		s.conns.Add(1)
	}
	s.requests.Add(1)
	t := now.UnixNano()
	if t-s.checked.Load() > p.failTimeout {
		s.checked.Store(t)
	}
	return true
}

// Release ends a request counted by Acquire, and lets a request waiting
// in the upstream's queue, if any, try again.
func (p *Peer) Release() {
	p.state.conns.Add(-1)
	if p.queue != nil {
		p.queue.wake()
	}
}

// Failure records a failed attempt (an error or timeout that
// proxy_next_upstream counts) at now, following nginx's
// ngx_http_upstream_free_round_robin_peer: the failure count grows, the
// failure window restarts (accessed = checked = now), and the smooth-WRR
// effective weight drops by weight/max_fails, to be regained one step per
// pick. It reports whether the peer is now failed, so the caller can log
// nginx's "upstream server temporarily disabled". An upstream's single
// server is never failed (see Peer.single).
func (p *Peer) Failure(now time.Time) (disabled bool) {
	s := p.state
	s.failures.Add(1)
	if p.single {
		return false
	}
	t := now.UnixNano()
	n := s.fails.Add(1)
	s.accessed.Store(t)
	s.checked.Store(t)
	if p.maxFails == 0 {
		return false
	}
	p.addDeficit(p.weightNow() / p.maxFails)
	return n >= p.maxFails
}

// Success records a successful attempt. As in nginx, the failure count is
// reset only when this request was the probe after the fail window
// (accessed < checked: Acquire moved checked past the last failure); a
// success inside the window leaves earlier failures counted, so max_fails
// failures interleaved with successes within fail_timeout still fail the
// peer.
func (p *Peer) Success() {
	s := p.state
	if s.accessed.Load() < s.checked.Load() && s.fails.Load() != 0 {
		s.fails.Store(0)
	}
}

// effectiveWeight is nginx's effective_weight: the weight less the deficit
// left by recent failures, never below 0. The deficit is clamped here
// because a reload or an operator may have lowered the weight. It also
// returns the weight it started from, read once.
func (p *Peer) effectiveWeight() (ew, w int64) {
	w = p.weightNow()
	d := p.state.deficit.Load()
	if d <= 0 {
		return w, w
	}
	if d >= w {
		return 0, w
	}
	return w - d, w
}

// recoverWeight raises the effective weight by one step, as nginx does each
// time a peer takes part in a smooth-WRR round. A lost race merely delays
// the step to the next round.
func (p *Peer) recoverWeight() {
	s := p.state
	if d := s.deficit.Load(); d > 0 {
		// min: a reload may have lowered the weight below the deficit.
		s.deficit.CompareAndSwap(d, min(d, p.weightNow())-1)
	}
}

// addDeficit lowers the effective weight by n, not below 0.
func (p *Peer) addDeficit(n int64) {
	s := p.state
	for {
		d := s.deficit.Load()
		nd := min(d+n, p.weightNow())
		if nd <= d || s.deficit.CompareAndSwap(d, nd) {
			return
		}
	}
}
