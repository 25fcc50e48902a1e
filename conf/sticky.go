package conf

import (
	"time"

	"github.com/gw-proxy/gw/parser"
)

// StickyMode is session_sticky's mode= parameter: how the cookie is made.
type StickyMode uint8

// The session_sticky modes (session-sticky.md §1).
const (
	StickyInsert  StickyMode = iota // gw adds its own cookie (Tengine's default)
	StickyRewrite                   // the backend's cookie value is replaced by the sid
	StickyPrefix                    // the backend's cookie value gets "SID~" in front
)

// String returns the mode= word.
func (m StickyMode) String() string {
	switch m {
	case StickyRewrite:
		return "rewrite"
	case StickyPrefix:
		return "prefix"
	}
	return "insert"
}

// StickyHash is session_sticky's hash= parameter: how a server's sid is
// computed from its address.
type StickyHash uint8

// The sid functions (session-sticky.md §2).
const (
	StickyMD5   StickyHash = iota // hex MD5 of ip:port, Tengine's value
	StickyPlain                   // the server's id=, else ip:port
	StickyHMAC                    // first 32 hex chars of HMAC-SHA256(secret, ip:port)
)

// String returns the hash= word.
func (h StickyHash) String() string {
	switch h {
	case StickyPlain:
		return "plain"
	case StickyHMAC:
		return "hmac"
	}
	return "md5"
}

// Sticky is one upstream's session_sticky directive after parsing: plain
// data with Tengine's defaults filled in, every parameter and combination
// checked (parseSticky). It is the sticky package's Config too: one type
// from the directive to the compiled policy.
type Sticky struct {
	Pos parser.Pos // the session_sticky directive

	Cookie string // cookie name; default "route"
	Domain string // "" means no Domain attribute
	Path   string // default "/"

	// MaxAge, MaxIdle and MaxLife are 0 when not set: a zero value would be a
	// cookie that expires on arrival, so the parser refuses it.
	MaxAge  time.Duration
	MaxIdle time.Duration
	MaxLife time.Duration

	Mode     StickyMode
	Indirect bool // option=indirect; false is option=direct
	Fallback bool // fallback=on (the default)
	Hash     StickyHash
	Secret   string // key for hash=hmac and for signing timestamps; "" when unset

	HTTPOnly bool
	Secure   bool
	SameSite string // "", "Strict", "Lax" or "None", as written in Set-Cookie
	NoCache  bool
	PostOnly bool
	Preserve bool
}

// Timestamps reports whether the cookie value carries LASTSEEN|FIRSTSEEN:
// in Tengine setting either maxidle or maxlife switches the format on for
// both, with the other one unlimited.
func (s *Sticky) Timestamps() bool {
	return s.Mode == StickyInsert && (s.MaxIdle > 0 || s.MaxLife > 0)
}

// Cleans reports whether requests to this upstream carry something the
// backend should not see unless a session_sticky_header switches cleaning
// on: the whole sticky pair in option=indirect, the "SID~" prefix in
// mode=prefix.
func (s *Sticky) Cleans() bool {
	return s.Indirect || s.Mode == StickyPrefix
}

// DefaultSticky returns session_sticky with no parameters: Tengine's
// defaults (cookie=route, path=/, mode=insert, option=direct, fallback=on,
// hash=md5).
func DefaultSticky() Sticky {
	return Sticky{Cookie: "route", Path: "/", Fallback: true}
}

// defaultSticky is DefaultSticky for the directive at pos.
func defaultSticky(pos parser.Pos) *Sticky {
	s := DefaultSticky()
	s.Pos = pos
	return &s
}
