package sticky

import "github.com/gw-proxy/gw/conf"

// Config is session_sticky's settings: conf's Sticky, the one type the
// directive is parsed into and checked as. The conf package checks every
// parameter and combination, with the error at the offending argument;
// Compile takes the result as it is.
type Config = conf.Sticky

// Mode says how the sticky cookie travels between client and backend
// (mode=).
type Mode = conf.StickyMode

// The session_sticky modes.
const (
	// ModeInsert: gw issues its own cookie carrying the sid (Tengine's default).
	ModeInsert = conf.StickyInsert
	// ModeRewrite: the backend sets cookie NAME and gw replaces its value with the sid.
	ModeRewrite = conf.StickyRewrite
	// ModePrefix: the backend sets cookie NAME and gw puts "SID~" in front of its value.
	ModePrefix = conf.StickyPrefix
)

// Hash says how a server's sid is computed (hash=).
type Hash = conf.StickyHash

// The sid hashes.
const (
	// HashMD5: lowercase hex MD5 of "ip:port", Tengine's value.
	HashMD5 = conf.StickyMD5
	// HashPlain: the server's id= if set, else its "ip:port" text.
	HashPlain = conf.StickyPlain
	// HashHMAC: the first 32 hex chars of HMAC-SHA256(secret, "ip:port").
	HashHMAC = conf.StickyHMAC
)
