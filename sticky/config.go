package sticky

import "time"

// Mode says how the sticky cookie travels between client and backend.
type Mode uint8

// The session_sticky modes (`mode=`).
const (
	// ModeInsert: gw issues its own cookie carrying the sid (Tengine's default).
	ModeInsert Mode = iota
	// ModeRewrite: the backend sets cookie NAME and gw replaces its value with the sid.
	ModeRewrite
	// ModePrefix: the backend sets cookie NAME and gw puts "SID~" in front of its value.
	ModePrefix
)

// String returns the word used by `mode=`.
func (m Mode) String() string {
	switch m {
	case ModeInsert:
		return "insert"
	case ModeRewrite:
		return "rewrite"
	case ModePrefix:
		return "prefix"
	}
	return "invalid"
}

// Option says whether the backend sees the inserted cookie (`option=`).
type Option uint8

// The session_sticky options.
const (
	// OptionDirect: the client's sticky cookie reaches the backend unchanged.
	OptionDirect Option = iota
	// OptionIndirect: the sticky pair is removed from the request (when
	// cleaning is on) and a backend Set-Cookie of the same name is replaced.
	OptionIndirect
)

// Hash says how a server's sid is computed (`hash=`).
type Hash uint8

// The sid hashes.
const (
	// HashMD5: lowercase hex MD5 of "ip:port", Tengine's value.
	HashMD5 Hash = iota
	// HashPlain: the server's id= if set, else its "ip:port" text.
	HashPlain
	// HashHMAC: the first 32 hex chars of HMAC-SHA256(secret, "ip:port").
	HashHMAC
)

// SameSite is the SameSite attribute of inserted cookies (`samesite=`).
type SameSite uint8

// The SameSite values; SameSiteUnset sends no attribute.
const (
	SameSiteUnset SameSite = iota
	SameSiteStrict
	SameSiteLax
	SameSiteNone
)

// Config holds every parameter of `session_sticky`. It is plain data: the
// conf package fills it from the directive, Validate checks it, and Compile
// turns it and the servers' sids into a Policy for the hot path.
//
// Durations are whole seconds; zero means "not set" for MaxAge, MaxIdle and
// MaxLife (a zero limit would make every cookie expire within its own second).
type Config struct {
	Cookie string // cookie=NAME, an RFC 6265 token; DefaultConfig sets "route"
	Domain string // domain=D; "" sends no Domain attribute
	Path   string // path=P; never empty, DefaultConfig sets "/"

	MaxAge  time.Duration // maxage=T; only sent when MaxIdle and MaxLife are zero
	MaxIdle time.Duration // maxidle=T (insert mode): cookie carries SID|LASTSEEN|FIRSTSEEN
	MaxLife time.Duration // maxlife=T (insert mode): as MaxIdle

	Mode     Mode
	Option   Option
	Fallback bool // fallback=on (the default); the caller applies it, see §4 of the spec
	Hash     Hash
	Secret   string // secret=S: key of hash=hmac and of the timestamp MAC

	HTTPOnly bool     // httponly: add HttpOnly to inserted cookies
	Secure   bool     // secure: add Secure to inserted cookies
	SameSite SameSite // samesite=

	NoCache  bool // nocache: responses that receive an inserted cookie become private
	PostOnly bool // postonly: insert only on responses to POST
	Preserve bool // preserve: a backend Set-Cookie of NAME is kept and nothing is inserted
}

// DefaultConfig returns the configuration of a bare `session_sticky;`:
// cookie=route path=/ mode=insert option=direct fallback=on hash=md5.
func DefaultConfig() Config {
	return Config{Cookie: "route", Path: "/", Fallback: true}
}

// timed reports whether inserted cookies carry timestamps. Like Tengine,
// setting only one of maxidle/maxlife leaves the other unlimited.
func (c *Config) timed() bool {
	return c.Mode == ModeInsert && (c.MaxIdle > 0 || c.MaxLife > 0)
}

// cleans reports whether the request Cookie header needs cleaning before it
// reaches the backend (session_sticky_header). Tengine declines cleaning in
// rewrite mode; in prefix mode it strips the prefix whatever option says.
func (c *Config) cleans() bool {
	return c.Mode == ModePrefix || (c.Mode == ModeInsert && c.Option == OptionIndirect)
}
