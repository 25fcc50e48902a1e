package sticky

import stickyconf "github.com/gw-proxy/gw/conf/sticky"

// Config is session_sticky's settings: conf/sticky's Config, the one type
// the directive is parsed into and checked as. conf/sticky checks every
// parameter and combination, with the error at the offending argument;
// Compile takes the result as it is.
type Config = stickyconf.Config

// Mode says how the sticky cookie travels between client and backend
// (mode=).
type Mode = stickyconf.Mode

// The session_sticky modes.
const (
	// ModeInsert: gw issues its own cookie carrying the sid (Tengine's default).
	ModeInsert = stickyconf.ModeInsert
	// ModeRewrite: the backend sets cookie NAME and gw replaces its value with the sid.
	ModeRewrite = stickyconf.ModeRewrite
	// ModePrefix: the backend sets cookie NAME and gw puts "SID~" in front of its value.
	ModePrefix = stickyconf.ModePrefix
)

// Hash says how a server's sid is computed (hash=).
type Hash = stickyconf.Hash

// The sid hashes.
const (
	// HashMD5: lowercase hex MD5 of "ip:port", Tengine's value.
	HashMD5 = stickyconf.HashMD5
	// HashPlain: the server's id= if set, else its "ip:port" text.
	HashPlain = stickyconf.HashPlain
	// HashHMAC: the first 32 hex chars of HMAC-SHA256(secret, "ip:port").
	HashHMAC = stickyconf.HashHMAC
)
