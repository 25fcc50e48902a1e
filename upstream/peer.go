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
	weight      int64
	maxFails    int64
	failTimeout int64 // ns
	maxConns    int64 // 0: unlimited
	down        bool
	backup      bool
	drain       bool
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

// Weight returns the configured weight (at least 1).
func (p *Peer) Weight() int { return int(p.weight) }

// Backup reports whether the peer is a backup server.
func (p *Peer) Backup() bool { return p.backup }

// Down reports whether the peer is marked `down` in the configuration.
func (p *Peer) Down() bool { return p.down }

// Drain reports whether the peer is marked `drain` [gw]: balancers never
// pick it for a new session, but the sticky layer keeps sending it the
// clients whose cookie names it, as long as it is Available.
func (p *Peer) Drain() bool { return p.drain }

// State returns the peer's shared mutable state.
func (p *Peer) State() *PeerState { return p.state }

// Available reports whether the peer can take a request at now: it is not
// `down`, not held down by active health checks, not failed by passive
// checks (max_fails failures, the last within fail_timeout: nginx's rule),
// and below max_conns. Drain is not considered: see Drain.
func (p *Peer) Available(now time.Time) bool {
	return p.available(now.UnixNano())
}

// available is Available with the clock already read, for balancers that
// check many peers against one instant.
func (p *Peer) available(now int64) bool {
	s := p.state
	if p.down || s.checkDown.Load() {
		return false
	}
	if p.maxConns > 0 && s.conns.Load() >= p.maxConns {
		return false
	}
	return !p.failed(now)
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
	return !p.drain && p.available(now)
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
	t := now.UnixNano()
	if t-s.checked.Load() > p.failTimeout {
		s.checked.Store(t)
	}
	return true
}

// Release ends a request counted by Acquire.
func (p *Peer) Release() { p.state.conns.Add(-1) }

// Failure records a failed attempt (an error or timeout that
// proxy_next_upstream counts) at now, following nginx's
// ngx_http_upstream_free_round_robin_peer: the failure count grows, the
// failure window restarts (accessed = checked = now), and the smooth-WRR
// effective weight drops by weight/max_fails, to be regained one step per
// pick. It reports whether the peer is now failed, so the caller can log
// nginx's "upstream server temporarily disabled". An upstream's single
// server is never failed (see Peer.single).
func (p *Peer) Failure(now time.Time) (disabled bool) {
	if p.single {
		return false
	}
	s := p.state
	t := now.UnixNano()
	n := s.fails.Add(1)
	s.accessed.Store(t)
	s.checked.Store(t)
	if p.maxFails == 0 {
		return false
	}
	p.addDeficit(p.weight / p.maxFails)
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
// because a reload may have lowered the weight.
func (p *Peer) effectiveWeight() int64 {
	d := p.state.deficit.Load()
	if d <= 0 {
		return p.weight
	}
	if d >= p.weight {
		return 0
	}
	return p.weight - d
}

// recoverWeight raises the effective weight by one step, as nginx does each
// time a peer takes part in a smooth-WRR round. A lost race merely delays
// the step to the next round.
func (p *Peer) recoverWeight() {
	s := p.state
	if d := s.deficit.Load(); d > 0 {
		// min: a reload may have lowered the weight below the deficit.
		s.deficit.CompareAndSwap(d, min(d, p.weight)-1)
	}
}

// addDeficit lowers the effective weight by n, not below 0.
func (p *Peer) addDeficit(n int64) {
	s := p.state
	for {
		d := s.deficit.Load()
		nd := min(d+n, p.weight)
		if nd <= d || s.deficit.CompareAndSwap(d, nd) {
			return
		}
	}
}
