package sticky

import "bytes"

// State is what the request's sticky cookie said, the first of the two
// letters of the access log, as HAProxy logs its persistence cookie, so an
// operator can tell from the log why a request went where it did.
type State uint8

// The client-cookie states.
const (
	ClientNone    State = iota // N: no sticky cookie
	ClientInvalid              // I: malformed, bad MAC, too far in the future, or unknown sid
	ClientDown                 // D: names a server that usable() refused
	ClientValid                // V: names a usable server
	ClientIdle                 // E: idle-expired (now - LASTSEEN > maxidle)
	ClientOld                  // O: life-expired (now - FIRSTSEEN > maxlife)
)

// Letter returns the state's access-log letter.
func (s State) Letter() byte {
	if int(s) < len(stateLetters) {
		return stateLetters[s]
	}
	return '?'
}

// String returns the letter as a string.
func (s State) String() string { return string(s.Letter()) }

const stateLetters = "NIDVEO"

// rank orders results when several pairs carry the sticky name and none is
// usable: the most informative one is reported. A cookie that names a
// server (unavailable, then unknown) beats an expired one, which beats
// garbage, which beats nothing.
func (c Client) rank() int {
	switch {
	case c.State == ClientValid:
		return 5
	case c.State == ClientDown:
		return 4
	case c.Unknown:
		return 3
	case c.State == ClientIdle, c.State == ClientOld:
		return 2
	case c.State == ClientInvalid:
		return 1
	}
	return 0
}

// Client is the result of reading the request cookie.
type Client struct {
	State State
	// Peer is the index of the server the cookie names: set for
	// ClientValid and ClientDown, -1 otherwise.
	Peer int
	// FirstSeen is the FIRSTSEEN field of a timed cookie (maxidle/maxlife)
	// for ClientValid and ClientDown, so a refresh can keep it; 0 otherwise.
	FirstSeen int64
	// Unknown marks a ClientInvalid cookie that was legal but named no
	// server (garbage, or a server removed from the configuration): unlike
	// an illegal one, it is subject to fallback.
	Unknown bool
}

// Sticky reports whether the cookie routes the request: the caller sends it
// to Peer without asking the balancer.
func (c Client) Sticky() bool { return c.State == ClientValid }

// Fallback reports whether the cookie named a server that cannot take the
// request, unknown or unavailable: with fallback=on the balancer picks and
// a new cookie is issued, with fallback=off the answer is 502 (the
// operator chose never to move a session). Otherwise a non-sticky cookie
// (none, illegal, expired) is simply a new session, whatever fallback
// says, as it names no server to insist on.
func (c Client) Fallback() bool { return c.State == ClientDown || c.Unknown }

// Read finds the sticky cookie among the request's Cookie header values
// and decides what it says. lines are the raw values of every Cookie
// header line, in order; now is the current Unix time in seconds.
//
// usable tells whether a peer can take this request (available, or drain);
// nil means every peer can. When the name appears more than once, the first
// pair that names a usable server wins; if none does, the most telling pair
// is reported (the first naming an unusable server, then one naming an
// unknown sid, then an expired one, then an illegal one).
//
// The caller routes on it like this: Sticky() -> Peer; Fallback() ->
// balancer with fallback=on, 502 with fallback=off; otherwise -> balancer
// (a new session: illegal and expired cookies count as no cookie).
//
// Read does not allocate, provided usable does not.
func (p *Policy) Read(lines [][]byte, now int64, usable func(peer int) bool) Client {
	best := Client{State: ClientNone, Peer: -1}
	var sc pairScanner
	for {
		seg, more := sc.scan(lines)
		if !more {
			return best
		}
		name, value, ok := splitPair(seg)
		if !ok || string(name) != p.cfg.Cookie {
			continue
		}
		c := p.decode(value, now)
		if c.State == ClientValid && usable != nil && !usable(c.Peer) {
			c.State = ClientDown
		}
		if c.State == ClientValid {
			return c
		}
		if c.rank() > best.rank() {
			best = c
		}
	}
}

// decode turns one sticky cookie value into a state per mode.
func (p *Policy) decode(value []byte, now int64) Client {
	v := unquote(value)
	switch {
	case p.cfg.Mode == ModePrefix:
		// The sid is the text before the first "~" (Tengine); a value
		// without one was not prefixed by gw.
		i := bytes.IndexByte(v, '~')
		if i < 0 {
			return invalid
		}
		return p.lookup(v[:i], 0)
	case p.timed:
		return p.decodeTimed(v, now)
	default:
		return p.lookup(v, 0)
	}
}

// invalid is an illegal cookie: it counts as no cookie.
var invalid = Client{State: ClientInvalid, Peer: -1}

// lookup resolves a legally shaped sid. An empty sid cannot name a server
// and is illegal, not unknown (Tengine would answer 502 for it with
// fallback=off; nothing legitimate sends it).
func (p *Policy) lookup(sid []byte, firstSeen int64) Client {
	if len(sid) == 0 {
		return invalid
	}
	if peer, ok := p.table.Lookup(sid); ok {
		return Client{State: ClientValid, Peer: peer, FirstSeen: firstSeen}
	}
	return Client{State: ClientInvalid, Peer: -1, Unknown: true}
}
