package sticky

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// stickyParam describes one parameter of session_sticky. Error messages are
// Tengine's ("invalid mode", "invalid argument", ...) with the argument
// quoted after them, so the operator sees which word is wrong.
type stickyParam struct {
	name  string
	bare  bool // a flag written without "=value"
	parse func(s *Config, v string) bool
	// msg is Tengine's message for a bad value; "" means "invalid NAME".
	msg string
}

// stickyParams is every session_sticky parameter: Tengine's, and those gw
// adds: HAProxy's cookie options (httponly, secure, nocache, postonly,
// preserve), samesite, and secret for hash=hmac.
var stickyParams = []stickyParam{
	{name: "cookie", parse: func(s *Config, v string) bool { s.Cookie = v; return isCookieToken(v) }},
	{name: "domain", parse: func(s *Config, v string) bool { s.Domain = v; return isAttrValue(v) }},
	{name: "path", parse: func(s *Config, v string) bool { s.Path = v; return isAttrValue(v) }},
	{name: "maxage", parse: func(s *Config, v string) bool { return stickyTime(&s.MaxAge, v) }},
	{name: "maxidle", parse: func(s *Config, v string) bool { return stickyTime(&s.MaxIdle, v) }},
	{name: "maxlife", parse: func(s *Config, v string) bool { return stickyTime(&s.MaxLife, v) }},
	{name: "mode", parse: func(s *Config, v string) bool { return pick(&s.Mode, v, stickyModes) }},
	{name: "option", parse: func(s *Config, v string) bool { return pick(&s.Indirect, v, stickyOptions) }},
	{name: "fallback", parse: func(s *Config, v string) bool { return pick(&s.Fallback, v, switchWords) }},
	{name: "hash", parse: func(s *Config, v string) bool { return pick(&s.Hash, v, stickyHashes) }, msg: "invalid hash mode"},
	{name: "secret", parse: func(s *Config, v string) bool { s.Secret = v; return v != "" }},
	// The value is kept as Set-Cookie spells it.
	{name: "samesite", parse: func(s *Config, v string) bool { return pick(&s.SameSite, v, sameSites) }},
	{name: "httponly", bare: true, parse: func(s *Config, _ string) bool { s.HTTPOnly = true; return true }},
	{name: "secure", bare: true, parse: func(s *Config, _ string) bool { s.Secure = true; return true }},
	{name: "nocache", bare: true, parse: func(s *Config, _ string) bool { s.NoCache = true; return true }},
	{name: "postonly", bare: true, parse: func(s *Config, _ string) bool { s.PostOnly = true; return true }},
	{name: "preserve", bare: true, parse: func(s *Config, _ string) bool { s.Preserve = true; return true }},
}

// Parse reads a session_sticky directive. Unlike Tengine's prefix
// comparisons (which took "mode=insertx" for insert) every keyword must be
// written exactly, and a repeated parameter is an error instead of Tengine's
// silent "last one wins".
func Parse(d *parser.Directive) (*Config, error) {
	s := defaultConfig(d.Pos)
	seen := make(map[string]parser.Pos, len(d.Args))
	for _, a := range d.Args {
		name, v, hasValue := strings.Cut(a.Value, "=")
		p := findStickyParam(name)
		if p == nil || p.bare == hasValue {
			return nil, parser.Errorf(a.Pos, "invalid argument %q", a.Value)
		}
		if _, dup := seen[name]; dup {
			return nil, parser.Errorf(a.Pos, "duplicate parameter %q", a.Value)
		}
		seen[name] = a.Pos
		if !p.parse(s, v) {
			msg := p.msg
			if msg == "" {
				msg = "invalid " + p.name
			}
			return nil, parser.Errorf(a.Pos, "%s %q", msg, a.Value)
		}
	}
	return s, checkStickyCombination(s, seen)
}

func findStickyParam(name string) *stickyParam {
	for i := range stickyParams {
		if stickyParams[i].name == name {
			return &stickyParams[i]
		}
	}
	return nil
}

// checkStickyCombination rejects parameters that contradict each other;
// the error points at the parameter that makes the combination wrong.
func checkStickyCombination(s *Config, seen map[string]parser.Pos) error {
	switch {
	case s.Mode == ModeRewrite && s.Indirect:
		// Tengine silently dropped indirect here; rewrite has no cookie of
		// its own to hide, so the operator asked for something impossible.
		return parser.Errorf(seen["option"], `"option=indirect" cannot be used with "mode=rewrite"`)
	case s.Preserve && s.Mode != ModeInsert:
		return parser.Errorf(seen["preserve"], `"preserve" requires "mode=insert"`)
	case s.Hash == HashHMAC && s.Secret == "":
		return parser.Errorf(seen["hash"], `"hash=hmac" requires "secret="`)
	case s.SameSite == "None" && !s.Secure:
		// Browsers drop such a cookie: no session would ever stick.
		return parser.Errorf(seen["samesite"], `"samesite=none" requires "secure": browsers drop a SameSite=None cookie that is not Secure`)
	}
	return nil
}

// The words of the keyword parameters and what they stand for.
var (
	stickyModes   = map[string]Mode{"insert": ModeInsert, "rewrite": ModeRewrite, "prefix": ModePrefix}
	stickyHashes  = map[string]Hash{"md5": HashMD5, "plain": HashPlain, "hmac": HashHMAC}
	stickyOptions = map[string]bool{"indirect": true, "direct": false}
	switchWords   = map[string]bool{"on": true, "off": false}
	sameSites     = map[string]string{"strict": "Strict", "lax": "Lax", "none": "None"}
)

// pick sets *dst to what word v stands for in words, and reports whether v
// is one of them.
func pick[T any](dst *T, v string, words map[string]T) bool {
	x, ok := words[v]
	if ok {
		*dst = x
	}
	return ok
}

// stickyTime parses a positive time: plain seconds as Tengine writes them,
// or an nginx time ("30s", "10m", "1d").
func stickyTime(dst *time.Duration, v string) bool {
	d, ok := value.Seconds(v)
	if !ok || d <= 0 {
		return false
	}
	*dst = d
	return true
}

// isCookieToken reports whether v is a non-empty RFC 6265 cookie-name (an
// RFC 7230 token): anything else could not be matched in a Cookie header.
func isCookieToken(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// isAttrValue reports whether v can stand as a Set-Cookie attribute value:
// non-empty, no ";" that would end the attribute, and, stricter than RFC
// 6265, no control character, space or non-ASCII byte, which user agents
// trim or mangle.
func isAttrValue(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == ';' {
			return false
		}
	}
	return true
}
