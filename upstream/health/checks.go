package health

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/upstream"
)

// Target is one server to check, as the runtime about to serve configures
// it.
type Target struct {
	State    *upstream.PeerState
	Upstream string // the upstream's name, for log lines
	Addr     string // the server's "ip:port"
	Check    *check.Config
	Log      *zerolog.Logger // the runtime's error log
}

// Checks are the active health checks of a process: one checker per
// checked server. It is safe for concurrent use.
type Checks struct {
	mu       sync.Mutex
	checkers map[*upstream.PeerState]*checker
	gen      int // names each checker's task apart from its predecessors'
}

// New returns a process's checks, none running.
func New() *Checks {
	return &Checks{checkers: map[*upstream.PeerState]*checker{}}
}

// Apply makes targets the checked servers, when a runtime starts: a server
// checked already keeps its checker and its verdict and takes the new
// settings from its next probe on; a server newly checked starts with
// default_down's verdict and a checker; a server no longer checked (the
// reload dropped its `check`) has its checker stopped and is back in the
// hands of passive health. Servers that left the configuration stop on
// their own: their PeerState's tasks are cancelled.
func (c *Checks) Apply(targets []Target) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	keep := make(map[*upstream.PeerState]bool, len(targets))
	for i := range targets {
		t := targets[i]
		if keep[t.State] {
			// One state, one checker. Two server lines with one address
			// have a state each (upstream.StateStore), so each is probed
			// and judged on its own, as each fails on its own.
			continue
		}
		keep[t.State] = true
		if k := c.checkers[t.State]; k != nil {
			k.target.Store(&t)
			continue
		}
		t.State.StartChecks(t.Check.DefaultDown, now)
		k := &checker{owner: c, quit: make(chan struct{})}
		k.target.Store(&t)
		c.gen++
		if t.State.Task("health check "+strconv.Itoa(c.gen), k.run) {
			c.checkers[t.State] = k
		}
	}
	for st, k := range c.checkers {
		if !keep[st] {
			close(k.quit)
			delete(c.checkers, st)
			st.StopChecks()
		}
	}
}

// Len returns the number of servers checked.
func (c *Checks) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.checkers)
}

// forget removes k once its task ended because its server left the
// configuration.
func (c *Checks) forget(st *upstream.PeerState, k *checker) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.checkers[st] == k {
		delete(c.checkers, st)
	}
}

// checker probes one server until its server leaves the configuration
// (ctx) or stops being checked (quit).
type checker struct {
	owner  *Checks
	target atomic.Pointer[Target]
	quit   chan struct{}
	conn   *probeConn // kept between probes by check_keepalive_requests
}

// run is the checker's task.
func (k *checker) run(ctx context.Context) {
	st := k.target.Load().State
	defer k.owner.forget(st, k)
	defer k.conn.close()
	timer := time.NewTimer(firstDelay(k.target.Load().Check.Interval))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.quit:
			return
		case <-timer.C:
		}
		t := k.target.Load()
		reason := k.probe(ctx, t)
		select {
		case <-k.quit:
			return // stopped while probing: the verdict is no longer ours
		default:
		}
		switch st.CheckResult(reason == "", reason, t.Check.Rise, t.Check.Fall, time.Now()) {
		case -1:
			t.Log.Warn().Msg("upstream server " + t.Addr + " in upstream \"" + t.Upstream + "\" is down: check: " + reason)
		case +1:
			t.Log.Warn().Msg("upstream server " + t.Addr + " in upstream \"" + t.Upstream + "\" is up")
		}
		timer.Reset(nextDelay(t.Check.Interval))
	}
}
