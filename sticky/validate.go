package sticky

import "time"

// ParamError is a bad session_sticky parameter or combination. Param is the
// parameter's name as written before "=" (or the bare flag), so the conf
// package can point at the argument; Msg is in Tengine's words where Tengine
// has them.
type ParamError struct {
	Param string
	Msg   string
}

// Error returns the message alone: the caller adds the position.
func (e *ParamError) Error() string { return e.Msg }

// paramCheck is one row of the validation table: the parameter to blame,
// the message, and the predicate that finds the fault.
type paramCheck struct {
	param, msg string
	bad        func(c *Config) bool
}

// paramChecks is the validation as data (DESIGN.md style 4). Single
// parameters come first so that a bad value is reported before a
// combination involving it.
var paramChecks = []paramCheck{
	{"cookie", "invalid cookie", func(c *Config) bool { return !isToken(c.Cookie) }},
	{"domain", "invalid domain", func(c *Config) bool { return !isAttrValue(c.Domain) }},
	{"path", "invalid path", func(c *Config) bool { return c.Path == "" || !isAttrValue(c.Path) }},
	{"maxage", "invalid maxage", func(c *Config) bool { return !isSeconds(c.MaxAge) }},
	{"maxidle", "invalid maxidle", func(c *Config) bool { return !isSeconds(c.MaxIdle) }},
	{"maxlife", "invalid maxlife", func(c *Config) bool { return !isSeconds(c.MaxLife) }},
	{"mode", "invalid mode", func(c *Config) bool { return c.Mode > ModePrefix }},
	{"option", "invalid option", func(c *Config) bool { return c.Option > OptionIndirect }},
	{"hash", "invalid hash mode", func(c *Config) bool { return c.Hash > HashHMAC }},
	{"samesite", "invalid samesite", func(c *Config) bool { return c.SameSite > SameSiteNone }},
	// Tengine silently drops indirect in rewrite mode; the spec makes it an
	// error because the backend must see the cookie it asked to be rewritten.
	{"option", `"option=indirect" cannot be used with "mode=rewrite"`,
		func(c *Config) bool { return c.Mode == ModeRewrite && c.Option == OptionIndirect }},
	// HAProxy's preserve only means something for a cookie gw would insert.
	{"preserve", `"preserve" requires "mode=insert"`,
		func(c *Config) bool { return c.Preserve && c.Mode != ModeInsert }},
	{"hash", `"hash=hmac" requires "secret="`,
		func(c *Config) bool { return c.Hash == HashHMAC && c.Secret == "" }},
}

// Validate reports the first bad parameter or incompatible combination as a
// *ParamError. It cannot see "written but empty" for optional strings
// (`domain=`, `secret=`): the conf package rejects those while parsing.
func (c *Config) Validate() error {
	for i := range paramChecks {
		if paramChecks[i].bad(c) {
			return &ParamError{Param: paramChecks[i].param, Msg: paramChecks[i].msg}
		}
	}
	return nil
}

// isSeconds accepts zero (not set) and positive whole seconds: cookies count
// in seconds, so "500ms" cannot be honoured.
func isSeconds(d time.Duration) bool {
	return d >= 0 && d%time.Second == 0
}

// isToken reports whether s is a non-empty RFC 7230 token, which RFC 6265
// requires of a cookie name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// isAttrValue reports whether s can be an attribute value of Set-Cookie:
// RFC 6265 forbids CTLs and ";"; gw also refuses spaces and non-ASCII, which
// user agents trim or mangle. The empty string is accepted (attribute not set).
func isAttrValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ';' {
			return false
		}
	}
	return true
}

// isCookieOctet reports whether c may appear unquoted in a cookie value
// (RFC 6265 §4.1.1 cookie-octet).
func isCookieOctet(c byte) bool {
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
		(c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)
}
