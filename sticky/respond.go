package sticky

// Action is what gw did with the response cookie, the second access-log
// letter, modelled on HAProxy's server-side cookie flags so operators who
// know those can read it.
type Action uint8

// The response-cookie outcomes.
const (
	CookieNothing   Action = iota // N: nothing added or changed
	CookieInserted                // I: a cookie was inserted (new session or re-route)
	CookieRefreshed               // U: a timed cookie was refreshed (LASTSEEN = now)
	CookiePreserved               // P: the backend's own NAME cookie passed as it was
	CookieRewritten               // R: the backend's NAME cookie was rewritten or prefixed
	CookieDeleted                 // D: the backend's NAME cookie was removed (option=indirect)
)

const actionLetters = "NIUPRD"

// Letter returns the action's access-log letter.
func (a Action) Letter() byte {
	if int(a) < len(actionLetters) {
		return actionLetters[a]
	}
	return '?'
}

// String returns the letter as a string.
func (a Action) String() string { return string(a.Letter()) }

// Edit is the change the proxy makes to the backend's Set-Cookie headers.
type Edit uint8

// The Set-Cookie edits.
const (
	EditNone    Edit = iota // leave every Set-Cookie as the backend sent it
	EditAppend              // add Change.Value as a new Set-Cookie after the backend's
	EditReplace             // Change.Value replaces backend Set-Cookie number Change.Index
	EditDelete              // remove backend Set-Cookie number Change.Index
)

// Reply describes the response about to be sent, for Respond.
type Reply struct {
	Status int    // the backend's status
	Post   bool   // the request method was POST (for postonly)
	Peer   int    // index of the peer that answered
	Now    int64  // Unix seconds
	Client Client // what Read said about the request cookie
}

// Change is what Respond decided.
type Change struct {
	Action Action // for the access log
	Edit   Edit
	// Index is the first backend Set-Cookie whose cookie name is NAME, -1
	// when there is none; EditReplace and EditDelete apply to it.
	Index int
	// RemoveOthers: with EditReplace or EditDelete, remove as well every
	// later backend Set-Cookie for which Policy.Names is true (option=indirect
	// leaves the client exactly one NAME cookie, ours or none).
	RemoveOthers bool
	// Value is the Set-Cookie value to write, a subslice of the returned dst;
	// nil with EditNone and EditDelete.
	Value []byte
	// Private: nocache applies; the proxy sets Cache-Control to
	// AppendPrivate(dst, <backend's Cache-Control value or nil>).
	Private bool
}

// Respond decides the response cookie from the backend's Set-Cookie
// header values and appends any new Set-Cookie value to dst. Call it only
// for responses that came from a peer, and not when session_sticky_bypass
// applies; gw-generated responses get nothing, and neither do responses
// with a status of 400 or more.
// It does not allocate when dst has room.
func (p *Policy) Respond(dst []byte, r Reply, setCookies [][]byte) (Change, []byte) {
	if r.Status >= 400 || r.Peer < 0 || r.Peer >= p.table.Len() {
		return Change{Index: -1}, dst
	}
	idx, more := p.findNamed(setCookies)
	if p.cfg.Mode != ModeInsert {
		// rewrite/prefix: only the first NAME header; none means the
		// response is not sticky and nothing is sent.
		if idx < 0 {
			return Change{Index: -1}, dst
		}
		start := len(dst)
		dst, _ = p.AppendRewrite(dst, setCookies[idx], r.Peer)
		return Change{Action: CookieRewritten, Edit: EditReplace, Index: idx, Value: dst[start:]}, dst
	}
	return p.respondInsert(dst, &r, idx, more)
}

// respondInsert is Respond for mode=insert; idx and more are findNamed's.
func (p *Policy) respondInsert(dst []byte, r *Reply, idx int, more bool) (Change, []byte) {
	if p.cfg.Preserve && idx >= 0 {
		return Change{Action: CookiePreserved, Index: idx}, dst
	}
	same := r.Client.State == ClientValid && r.Client.Peer == r.Peer
	// A session cookie only needs sending when it changes; a timed one is
	// re-sent on every response to move LASTSEEN (Tengine, HAProxy maxidle).
	want := !same || p.timed
	if p.cfg.PostOnly && !r.Post {
		want = false
	}
	indirect := p.cfg.Indirect
	if !want {
		switch {
		case idx < 0:
			return Change{Index: -1}, dst
		case indirect:
			// The backend must not overwrite the client's sticky cookie with
			// one of its own: HAProxy removes it in indirect mode too.
			return Change{Action: CookieDeleted, Edit: EditDelete, Index: idx, RemoveOthers: more}, dst
		default:
			return Change{Action: CookiePreserved, Index: idx}, dst
		}
	}
	c := Change{Action: CookieInserted, Edit: EditAppend, Index: idx, Private: p.cfg.NoCache}
	first := r.Now
	if same {
		c.Action, first = CookieRefreshed, r.Client.FirstSeen
	}
	if indirect && idx >= 0 {
		c.Edit, c.RemoveOthers = EditReplace, more
	}
	start := len(dst)
	dst = p.AppendSetCookie(dst, r.Peer, r.Now, first)
	c.Value = dst[start:]
	return c, dst
}
