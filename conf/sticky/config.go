package sticky

import (
	"time"

	"github.com/gw-proxy/gw/parser"
)

// Mode is session_sticky's mode= parameter: how the cookie is made.
type Mode uint8

// The session_sticky modes, Tengine's three.
const (
	ModeInsert  Mode = iota // gw adds its own cookie (Tengine's default)
	ModeRewrite             // the backend's cookie value is replaced by the sid
	ModePrefix              // the backend's cookie value gets "SID~" in front
)

// String returns the mode= word.
func (m Mode) String() string {
	switch m {
	case ModeRewrite:
		return "rewrite"
	case ModePrefix:
		return "prefix"
	}
	return "insert"
}

// Hash is session_sticky's hash= parameter: how a server's sid is
// computed from its address.
type Hash uint8

// The sid functions, which make a server's cookie value from its address;
// md5 is Tengine's default, so cookies it issued keep routing.
const (
	HashMD5   Hash = iota // hex MD5 of ip:port, Tengine's value
	HashPlain             // the server's id=, else ip:port
	HashHMAC              // first 32 hex chars of HMAC-SHA256(secret, ip:port)
)

// String returns the hash= word.
func (h Hash) String() string {
	switch h {
	case HashPlain:
		return "plain"
	case HashHMAC:
		return "hmac"
	}
	return "md5"
}

// Config is one upstream's session_sticky directive after parsing: plain
// data with Tengine's defaults filled in, every parameter and combination
// checked (Parse). The runtime sticky package takes it as its Config too:
// one type from the directive to the compiled policy.
type Config struct {
	Pos parser.Pos // the session_sticky directive

	Cookie string // cookie name; default "route"
	Domain string // "" means no Domain attribute
	Path   string // default "/"

	// MaxAge, MaxIdle and MaxLife are 0 when not set: a zero value would be a
	// cookie that expires on arrival, so the parser refuses it.
	MaxAge  time.Duration
	MaxIdle time.Duration
	MaxLife time.Duration

	Mode     Mode
	Indirect bool // option=indirect; false is option=direct
	Fallback bool // fallback=on (the default)
	Hash     Hash
	Secret   string // key for hash=hmac and for signing timestamps; "" when unset

	HTTPOnly bool
	Secure   bool
	SameSite string // "", "Strict", "Lax" or "None", as written in Set-Cookie
	NoCache  bool
	PostOnly bool
	Preserve bool

	// RouteValues: the configuration came from nginx Plus's sticky
	// cookie, whose value for a server with route= is that route (see
	// SID). Its Path may be empty: no Path attribute, as nginx Plus.
	RouteValues bool
}

// ExpiresMax is sticky cookie's expires=max: nginx Plus's ten years
// (max-age=315360000).
const ExpiresMax = 315360000 * time.Second

// Timestamps reports whether the cookie value carries LASTSEEN|FIRSTSEEN:
// in Tengine setting either maxidle or maxlife switches the format on for
// both, with the other one unlimited.
func (s *Config) Timestamps() bool {
	return s.Mode == ModeInsert && (s.MaxIdle > 0 || s.MaxLife > 0)
}

// Cleans reports whether requests to this upstream carry something the
// backend should not see unless a session_sticky_header switches cleaning
// on: the whole sticky pair in option=indirect, the "SID~" prefix in
// mode=prefix.
func (s *Config) Cleans() bool {
	return s.Indirect || s.Mode == ModePrefix
}

// DefaultConfig returns session_sticky with no parameters: Tengine's
// defaults (cookie=route, path=/, mode=insert, option=direct, fallback=on,
// hash=md5).
func DefaultConfig() Config {
	return Config{Cookie: "route", Path: "/", Fallback: true}
}

// defaultConfig is DefaultConfig for the directive at pos.
func defaultConfig(pos parser.Pos) *Config {
	s := DefaultConfig()
	s.Pos = pos
	return &s
}
