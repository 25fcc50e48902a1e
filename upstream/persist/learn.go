package persist

import (
	"sync"
	"time"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/learn"
	"github.com/gw-proxy/gw/upstream/resphead"
	"github.com/rs/zerolog"
)

// learnPersistence is nginx Plus's sticky learn over one upstream: the
// session id the backend creates (the first non-empty create= value, read
// from its response) is stored with the server that answered, and a
// request whose first non-empty lookup= value is a known session goes to
// that server while it is available; otherwise the balancer picks, as for
// a new session.
//
// The table is the upstream's zone (Zones keeps it across reloads); a
// server is stored by its identity (id=, else ip:port), never by its
// position, so that a reload that adds or moves servers keeps every
// session, and one that removes a server forgets its sessions.
type learnPersistence struct {
	up       *upstream.Upstream
	sessions sessions // the zone's table, or the Shared in front of it
	timeout  int64    // nanoseconds
	create   []*vars.Template
	lookup   []*vars.Template
	// servers maps a peer to the table's name for it; peerOf the other way
	// (-1: a server this configuration does not have).
	servers []learn.Server
	peerOf  []int
}

var _ Persistence = (*learnPersistence)(nil)

// sessions is where learned sessions are kept: a learn.Table, or a
// learn.Shared (sticky_store).
type sessions interface {
	Lookup(k learn.Key, now, timeout int64) (learn.Server, bool)
	Store(k learn.Key, s learn.Server, now int64)
}

// learnState is learn's memory of one request.
type learnState struct {
	buf   []byte
	id    []byte    // the lookup value, when there was one
	key   learn.Key // its key
	known bool      // the lookup value named a session of the table
	peer  int       // its peer
}

func (s *learnState) Reset() { s.buf, s.id, s.known, s.peer = s.buf[:0], s.id[:0], false, -1 }

var learnKind = NewKind()

func learnOf(r *Request) *learnState {
	return r.Slot(learnKind, func() Slot { return &learnState{peer: -1} }).(*learnState)
}

// newLearn builds the persistence of an upstream with sticky learn, its
// table (and shared store) taken from zones.
func newLearn(up *upstream.Upstream, zones *Zones, log *zerolog.Logger) (*learnPersistence, error) {
	l := up.Conf.Learn
	t := zones.table(l.Zone, l.Capacity())
	var ss sessions = t
	if st := up.Conf.Store; st != nil && zones != nil {
		sh, err := zones.shared(l.Zone, t, l.Timeout, learn.StoreConfig{URL: st.URL, Prefix: st.Prefix, Timeout: st.Timeout}, log)
		if err != nil {
			return nil, parser.Errorf(st.Pos, "sticky_store: %v", err)
		}
		ss = sh
	}
	lp := &learnPersistence{up: up, sessions: ss, timeout: int64(l.Timeout),
		create: l.Create, lookup: l.Lookup, servers: make([]learn.Server, len(up.Peers))}
	for i := range up.Peers {
		// The server's key (id=, else its address; upstream/key.go):
		// stable across reloads, the same in every gw of a fleet that
		// lists the server the same way, never its position.
		s := t.Server(up.Key(i))
		lp.servers[i] = s
		for int(s) >= len(lp.peerOf) {
			lp.peerOf = append(lp.peerOf, -1)
		}
		lp.peerOf[s] = i
	}
	// Sessions of servers this configuration dropped are forgotten.
	t.Retain(func(s learn.Server) bool { return int(s) < len(lp.peerOf) && lp.peerOf[s] >= 0 })
	return lp, nil
}

// Request passes the client's cookies as they are: learned sessions
// neither add nor hide any.
func (lp *learnPersistence) Request(*Request) CookieOut { return CookieOut{Keep: true} }

// Choose looks the request's session up.
func (lp *learnPersistence) Choose(r *Request) (Choice, error) {
	st := learnOf(r)
	id := st.firstValue(lp.lookup, r.R)
	if len(id) == 0 {
		return Choice{}, nil
	}
	st.id = append(st.id[:0], id...)
	st.key = learn.KeyOf(id)
	s, ok := lp.sessions.Lookup(st.key, r.Now.UnixNano(), lp.timeout)
	if !ok {
		return Choice{}, nil
	}
	if int(s) >= len(lp.peerOf) || lp.peerOf[s] < 0 {
		// A server this configuration does not have (another gw's, or
		// one a reload removed): balanced, and Respond binds the session
		// to the server that answers.
		st.known = true
		return Choice{}, nil
	}
	st.known, st.peer = true, lp.peerOf[s]
	p := lp.up.Peers[st.peer]
	if !p.Available(r.Now) {
		return Choice{}, nil // balanced as a new session; Respond moves it
	}
	p.State().CountReturning()
	return Choice{Peer: p}, nil
}

// Respond learns the session the response creates, and moves a known
// session that another server answered (its own was unavailable).
func (lp *learnPersistence) Respond(r *Request, p *upstream.Peer, h *resphead.Head) {
	st := learnOf(r)
	now := r.Now.UnixNano()
	server := lp.servers[p.Index()]
	if id := st.firstValue(lp.create, r.R); len(id) > 0 {
		if st.known && st.peer == p.Index() && string(id) == string(st.id) {
			return // the session the request found, where it was: Choose refreshed it
		}
		p.State().CountSession()
		lp.sessions.Store(learn.KeyOf(id), server, now)
		return
	}
	if st.known && st.peer != p.Index() {
		lp.sessions.Store(st.key, server, now)
	}
}

// firstValue evaluates templates in order and returns the first
// non-empty value, in st.buf.
func (st *learnState) firstValue(ts []*vars.Template, r *vars.Request) []byte {
	for _, t := range ts {
		st.buf = t.Append(st.buf[:0], r)
		if len(st.buf) > 0 {
			return st.buf
		}
	}
	return nil
}

// Zones keeps the learned-session tables across reloads, by zone name:
// a reload that keeps an upstream's zone (same name and size) keeps its
// sessions. The zero value is ready; nil gives every build fresh tables
// (gw -t).
type Zones struct {
	mu     sync.Mutex
	tables map[string]*learn.Table
	stores map[string]*sharedZone
}

// sharedZone is a zone's shared store and what it was made with.
type sharedZone struct {
	shared *learn.Shared
	cfg    learn.StoreConfig
	ttl    time.Duration
	local  *learn.Table
}

// shared returns the zone's shared store over local: the one kept from
// the last configuration when nothing about it changed, else a new one
// (the old one is closed).
func (z *Zones) shared(name string, local *learn.Table, ttl time.Duration, cfg learn.StoreConfig, log *zerolog.Logger) (*learn.Shared, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if old := z.stores[name]; old != nil {
		if old.cfg == cfg && old.ttl == ttl && old.local == local {
			old.shared.SetLog(log)
			return old.shared, nil
		}
		old.shared.Close()
		delete(z.stores, name)
	}
	sh, err := learn.NewShared(local, name, ttl, cfg, log)
	if err != nil {
		return nil, err
	}
	if z.stores == nil {
		z.stores = map[string]*sharedZone{}
	}
	z.stores[name] = &sharedZone{shared: sh, cfg: cfg, ttl: ttl, local: local}
	return sh, nil
}

// Shared returns the shared store of zone name, nil when there is none.
func (z *Zones) Shared(name string) *learn.Shared {
	z.mu.Lock()
	defer z.mu.Unlock()
	if sz := z.stores[name]; sz != nil {
		return sz.shared
	}
	return nil
}

// Close closes the shared stores (gw's stop).
func (z *Zones) Close() {
	z.mu.Lock()
	defer z.mu.Unlock()
	for name, sz := range z.stores {
		sz.shared.Close()
		delete(z.stores, name)
	}
}

// table returns the zone's table, made when the zone is new or its
// size changed.
func (z *Zones) table(name string, capacity int) *learn.Table {
	if z == nil {
		return learn.New(capacity)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if t := z.tables[name]; t != nil && t.Capacity() == learn.CapacityFor(capacity) {
		return t
	}
	if z.tables == nil {
		z.tables = map[string]*learn.Table{}
	}
	t := learn.New(capacity)
	z.tables[name] = t
	return t
}

// Table returns the table of zone name, nil when there is none.
func (z *Zones) Table(name string) *learn.Table {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.tables[name]
}

// For returns the persistence factory of a runtime (proxy.Options'
// Persistence): sticky learn, sticky route, or session_sticky (and
// sticky cookie) for an upstream that has one, nil for the others.
// zones keeps the learned sessions across reloads, and their shared
// stores; nil (gw -t) makes fresh tables and connects to no store. log
// gets a store's outages.
func For(zones *Zones, log *zerolog.Logger) func(up *upstream.Upstream) (Persistence, error) {
	return func(up *upstream.Upstream) (Persistence, error) {
		switch {
		case up.Conf.Learn != nil:
			return newLearn(up, zones, log)
		case up.Conf.Route != nil:
			return newRoute(up), nil
		}
		return Sticky(up)
	}
}
