package sticky

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Policy is one upstream's session_sticky compiled for the hot path: the
// validated Config, the sid table, and the constant parts of the Set-Cookie
// header. It is immutable after Compile and safe for concurrent use; a
// reload compiles a new one.
type Policy struct {
	cfg   Config
	table *SIDTable
	timed bool

	maxIdle, maxLife, maxAge int64 // seconds, 0 when not set

	nameEq []byte // "NAME="
	attrs  []byte // "; Domain=D; Path=P"
	flags  []byte // "; HttpOnly; Secure; SameSite=X", as configured

	macs *sync.Pool // signs timed cookies; nil unless timed with a secret
}

// SIDError reports a server whose sid cannot travel in the configured
// cookie. Only hash=plain can produce one (id= is free text); Peer lets the
// conf package point at the server line.
type SIDError struct {
	Peer   int
	SID    string
	Reason string
}

// Error describes the sid and why it is unusable.
func (e *SIDError) Error() string {
	return fmt.Sprintf("invalid sid %q of server #%d: %s", e.SID, e.Peer+1, e.Reason)
}

// Compile takes cfg as conf checked it, checks that every sid can be
// carried by the cookie, and precomputes what the hot path needs. sids are in peer order,
// each usually computed with SID; the returned Policy reports peers by their
// index in sids.
func Compile(cfg Config, sids []string) (*Policy, error) {
	for i, s := range sids {
		if reason := sidProblem(&cfg, s); reason != "" {
			return nil, &SIDError{Peer: i, SID: s, Reason: reason}
		}
	}
	p := &Policy{
		cfg:     cfg,
		table:   NewSIDTable(sids),
		timed:   cfg.Timestamps(),
		maxIdle: int64(cfg.MaxIdle / time.Second),
		maxLife: int64(cfg.MaxLife / time.Second),
		maxAge:  int64(cfg.MaxAge / time.Second),
		nameEq:  append([]byte(cfg.Cookie), '='),
		attrs:   attrBytes(&cfg),
		flags:   flagBytes(&cfg),
	}
	if p.timed && cfg.Secret != "" {
		p.macs = newMACPool(cfg.Secret)
	}
	return p, nil
}

// sidProblem says why sid cannot be a cookie value in this mode, or "".
func sidProblem(cfg *Config, sid string) string {
	if sid == "" {
		return "empty"
	}
	for i := 0; i < len(sid); i++ {
		if !isCookieOctet(sid[i]) {
			return "not a cookie value (RFC 6265 cookie-octet)"
		}
	}
	// The separators of the cookie's own syntax cannot be in the sid, or the
	// reader would cut it in the wrong place.
	if cfg.Timestamps() && strings.IndexByte(sid, '|') >= 0 {
		return `contains "|", the separator of maxidle/maxlife cookies`
	}
	if cfg.Mode == ModePrefix && strings.IndexByte(sid, '~') >= 0 {
		return `contains "~", the separator of mode=prefix`
	}
	return ""
}

func attrBytes(cfg *Config) []byte {
	var b []byte
	if cfg.Domain != "" {
		b = append(b, "; Domain="...)
		b = append(b, cfg.Domain...)
	}
	if cfg.Path == "" { // sticky cookie without path=: none, as nginx Plus
		return b
	}
	b = append(b, "; Path="...)
	return append(b, cfg.Path...)
}

func flagBytes(cfg *Config) []byte {
	var b []byte
	if cfg.HTTPOnly {
		b = append(b, "; HttpOnly"...)
	}
	if cfg.Secure {
		b = append(b, "; Secure"...)
	}
	if cfg.SameSite != "" { // "Strict", "Lax" or "None", as conf spells them
		b = append(b, "; SameSite="...)
		b = append(b, cfg.SameSite...)
	}
	return b
}

// Config returns the configuration the policy was compiled from.
func (p *Policy) Config() Config { return p.cfg }

// SIDs returns the policy's sid table.
func (p *Policy) SIDs() *SIDTable { return p.table }

// CleansRequest reports whether the request Cookie header must be cleaned
// before it reaches the backend (option=indirect, or mode=prefix), so the
// proxy can skip Clean, and gw -t can warn where no session_sticky_header
// covers such an upstream.
func (p *Policy) CleansRequest() bool { return p.cfg.Cleans() }

// isCookieOctet reports whether c may appear unquoted in a cookie value
// (RFC 6265 4.1.1, cookie-octet).
func isCookieOctet(c byte) bool {
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
		(c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)
}
