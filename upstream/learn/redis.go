package learn

import (
	"context"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"
	"github.com/rs/zerolog"
)

// Shared is a table shared by every gw of a fleet through Redis
// (sticky_store): a session learned by one gw is found by the others, so
// that a visitor landing on any gw behind a VIP reaches its server.
//
// Each gw keeps its own Table as a cache in front of Redis: a session it
// learned or already looked up is found without a round trip, and Redis
// is asked only for sessions new to this gw. A session is written to
// Redis with the sessions' timeout as its TTL, when it is learned or
// moves, and again when this gw uses it after half its timeout (its TTL
// is the timeout and a half), so that
// an active session never expires in Redis. Sessions are stored under
// PREFIX + zone + ":" + the hex MD5 of the id, their value the server's
// stable identity (id=, else ip:port), never a position.
//
// Redis slow or down never fails a request: a lookup gives up after the
// store's timeout and the request is balanced; writes wait in a bounded
// queue, through an outage too, and are sent when Redis answers again
// (those that find the queue full are dropped, and counted); they never
// block a request. A probe (PING every probeEvery) tells when an outage
// begins and ends: one error line is logged when Redis stops answering
// and one when it answers again, and meanwhile requests do not wait for
// it at all.
//
// The client is rueidis: it pipelines the commands of concurrent callers
// on one connection by itself (the writer's batches and the lookups of
// many requests share round trips) and reconnects on its own. Its
// client-side cache is off: the Table already keeps this gw's sessions,
// bounded by the zone, where rueidis's cache is sized per connection.
type Shared struct {
	local   *Table
	prefix  string
	timeout time.Duration // per Redis call
	ttl     time.Duration // the sessions' timeout
	url     string
	opt     rueidis.ClientOption

	client atomic.Pointer[rueidis.Client]
	down   atomic.Bool // calls are not made: Redis did not answer
	outage atomic.Bool // an outage was logged and its end not yet
	writes chan write
	stop   chan struct{}
	done   sync.WaitGroup

	log      atomic.Pointer[zerolog.Logger]
	dropped  atomic.Uint64 // writes the full queue refused
	failures atomic.Uint64 // calls that failed
}

// write is a session to store in Redis.
type write struct {
	key    Key
	server Server
}

// writeQueue bounds the writes waiting for Redis.
const writeQueue = 4096

// probeEvery is how often a down Redis is tried again.
const probeEvery = 500 * time.Millisecond

// StoreConfig is sticky_store's: the Redis URL
// (redis://[user:pass@]host:port/db), the key prefix and the timeout of
// one call.
type StoreConfig struct {
	URL     string
	Prefix  string
	Timeout time.Duration
}

// NewShared returns the shared table of zone over local, the sessions
// expiring after ttl. It connects in the background: an unreachable Redis
// at start is an outage like any other, not an error.
func NewShared(local *Table, zone string, ttl time.Duration, sc StoreConfig, log *zerolog.Logger) (*Shared, error) {
	opt, err := rueidis.ParseURL(sc.URL)
	if err != nil {
		return nil, err
	}
	opt.DisableCache = true
	opt.ConnWriteTimeout = max(sc.Timeout, 100*time.Millisecond)
	opt.Dialer.Timeout = sc.Timeout
	s := &Shared{local: local, prefix: sc.Prefix + zone + ":", timeout: sc.Timeout, ttl: ttl,
		url: sc.URL, opt: opt, writes: make(chan write, writeQueue), stop: make(chan struct{})}
	s.log.Store(log)
	s.down.Store(true) // until connected
	s.done.Add(2)
	go s.connect()
	go s.writer()
	return s, nil
}

// SetLog makes log the error log of the store's outages (a reload that
// keeps the store may change the error log).
func (s *Shared) SetLog(log *zerolog.Logger) { s.log.Store(log) }

// Lookup finds session k: in the local table, else in Redis (then kept
// locally). A session used after half its timeout is written again, to
// refresh its TTL in Redis.
func (s *Shared) Lookup(k Key, now, timeout int64) (Server, bool) {
	if srv, ok, refresh := s.local.lookupSynced(k, now, timeout, timeout/2); ok {
		if refresh {
			s.enqueue(k, srv)
		}
		return srv, true
	}
	c := s.client.Load()
	if c == nil || s.down.Load() {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	id, err := (*c).Do(ctx, (*c).B().Get().Key(s.key(k)).Build()).ToString()
	if err != nil {
		if !rueidis.IsRedisNil(err) {
			s.failed(err)
		}
		return 0, false
	}
	srv := s.local.Server(id)
	s.local.storeSynced(k, srv, now)
	return srv, true
}

// Store learns session k on server srv, locally and in Redis.
func (s *Shared) Store(k Key, srv Server, now int64) {
	s.local.storeSynced(k, srv, now)
	s.enqueue(k, srv)
}

// Dropped and Failures count the writes refused by a full queue and the
// Redis calls that failed.
func (s *Shared) Dropped() uint64  { return s.dropped.Load() }
func (s *Shared) Failures() uint64 { return s.failures.Load() }

// Down reports whether Redis is taken for down.
func (s *Shared) Down() bool { return s.down.Load() }

// URL returns the store's URL, as configured.
func (s *Shared) URL() string { return s.url }

// Close stops the writer and the probe and closes the client.
func (s *Shared) Close() {
	close(s.stop)
	s.done.Wait()
	if c := s.client.Load(); c != nil {
		(*c).Close()
	}
}

func (s *Shared) enqueue(k Key, srv Server) {
	select {
	case s.writes <- write{k, srv}:
	default:
		s.dropped.Add(1)
	}
}

// key is the Redis key of session k.
func (s *Shared) key(k Key) string {
	var b [len(Key{}) * 2]byte
	hex.Encode(b[:], k[:])
	return s.prefix + string(b[:])
}

// connect makes the client (rueidis dials at once and fails when Redis is
// not there), then probes Redis every probeEvery: the probe decides when
// an outage begins (a lookup that fails also begins one, so that requests
// stop waiting at once) and when it ends.
func (s *Shared) connect() {
	defer s.done.Done()
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for {
		if c := s.client.Load(); c == nil {
			if nc, err := rueidis.NewClient(s.opt); err == nil {
				s.client.Store(&nc)
				s.recovered()
			} else {
				s.failed(err)
			}
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
			err := (*c).Do(ctx, (*c).B().Ping().Build()).Error()
			cancel()
			if err == nil {
				s.recovered()
			} else {
				s.failed(err)
			}
		}
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}

// writer sends the queued writes, a batch per round trip.
func (s *Shared) writer() {
	defer s.done.Done()
	batch := make([]write, 0, 256)
	cmds := make(rueidis.Commands, 0, 256)
	for {
		select {
		case <-s.stop:
			return
		case w := <-s.writes:
			batch = append(batch[:0], w)
		}
		for len(batch) < cap(batch) {
			select {
			case w := <-s.writes:
				batch = append(batch, w)
				continue
			default:
			}
			break
		}
		if !s.send(batch, cmds) {
			return
		}
	}
}

// sendTries bounds the attempts at one batch: a batch that fails this
// many times, Redis answering in between, is dropped.
const sendTries = 3

// send writes a batch, waiting out an outage (while it lasts the queue
// fills, and writes beyond it are dropped); false when the store stops.
func (s *Shared) send(batch []write, cmds rueidis.Commands) bool {
	for try := 0; try < sendTries; {
		c := s.client.Load()
		if c == nil || s.down.Load() {
			select {
			case <-s.stop:
				return false
			case <-time.After(probeEvery):
			}
			continue
		}
		try++
		cmds = cmds[:0]
		for _, w := range batch {
			// The TTL is the timeout and a half: a session is written again
			// only when used after half its timeout, so Redis must keep it
			// that much longer than the timeout itself.
			cmds = append(cmds, (*c).B().Set().Key(s.key(w.key)).Value(s.local.ServerID(w.server)).PxMilliseconds((s.ttl + s.ttl/2).Milliseconds()).Build())
		}
		// Writes wait longer than lookups: nobody waits for them, and a
		// batch sent just after a reconnect may take a while.
		ctx, cancel := context.WithTimeout(context.Background(), max(4*s.timeout, time.Second))
		var err error
		for _, r := range (*c).DoMulti(ctx, cmds...) {
			if err = r.Error(); err != nil {
				break
			}
		}
		cancel()
		if err == nil {
			return true
		}
		// Counted but not taken for an outage: lookups and the probe
		// decide that, a write that failed is tried again a little later.
		s.failures.Add(1)
		select {
		case <-s.stop:
			return false
		case <-time.After(probeEvery):
		}
	}
	s.dropped.Add(uint64(len(batch)))
	return true
}

// failed takes Redis for down after a failed call, logging the outage
// once.
func (s *Shared) failed(err error) {
	s.failures.Add(1)
	s.down.Store(true)
	if !s.outage.Swap(true) {
		s.log.Load().Error().Err(err).Str("sticky_store", s.url).
			Msg("sticky_store unreachable: learned sessions are balanced until it answers")
	}
}

// recovered takes Redis for up again, logging the end of an outage.
func (s *Shared) recovered() {
	s.down.Store(false)
	if s.outage.Swap(false) {
		s.log.Load().Warn().Str("sticky_store", s.url).Msg("sticky_store answers again: learned sessions are shared")
	}
}
