package vars

import (
	"fmt"
	"strings"
)

// Escape is how log_format's escape= parameter treats variable values; the
// literal text of the format is never escaped.
type Escape uint8

// The escape modes of nginx's log_format.
const (
	// EscapeDefault writes `"`, `\`, control bytes and bytes >= 0x7F as
	// \xHH, and "-" for a variable without a value.
	EscapeDefault Escape = iota
	// EscapeJSON escapes as a JSON string body (\" \\ \n \r \t \b \f and
	// \u00HH for other control bytes); a variable without a value is empty.
	EscapeJSON
	// EscapeNone writes values as they are.
	EscapeNone
)

// ParseEscape maps log_format's escape= value to an Escape, with nginx's
// error for anything else.
func ParseEscape(s string) (Escape, error) {
	switch s {
	case "default":
		return EscapeDefault, nil
	case "json":
		return EscapeJSON, nil
	case "none":
		return EscapeNone, nil
	}
	return 0, fmt.Errorf("unknown log format escaping %q", s)
}

// String returns the escape= spelling of e.
func (e Escape) String() string {
	switch e {
	case EscapeJSON:
		return "json"
	case EscapeNone:
		return "none"
	}
	return "default"
}

// AppendEscaped evaluates the template for r as a log line does: each
// variable's value is escaped for mode, and in EscapeDefault a variable
// without a value is written as "-". It allocates nothing once r's scratch
// buffer has grown to the longest value.
func (t *Template) AppendEscaped(dst []byte, r *Request, mode Escape) []byte {
	if t == nil {
		return dst
	}
	if r == nil {
		r = new(Request)
	}
	for i := range t.parts {
		p := &t.parts[i]
		if p.get == nil {
			dst = append(dst, p.lit...)
			continue
		}
		r.scratch = r.scratch[:0]
		if !p.skip(r) {
			r.scratch = p.get(r.scratch, r, p)
		}
		val := r.scratch
		if len(val) == 0 {
			if mode == EscapeDefault && p.opts&keepEmpty == 0 {
				dst = append(dst, '-')
			}
			continue
		}
		dst = appendEscape(dst, val, mode)
	}
	return dst
}

func appendEscape(dst, val []byte, mode Escape) []byte {
	switch mode {
	case EscapeJSON:
		return appendJSONEscaped(dst, val)
	case EscapeNone:
		return append(dst, val...)
	}
	return appendLogEscaped(dst, val)
}

const upperHex = "0123456789ABCDEF"

// appendLogEscaped is nginx's default access-log escaping.
func appendLogEscaped(dst, val []byte) []byte {
	for _, c := range val {
		if c == '"' || c == '\\' || c < 0x20 || c >= 0x7F {
			dst = append(dst, '\\', 'x', upperHex[c>>4], upperHex[c&0xF])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// appendJSONEscaped is nginx's escape=json: only what JSON requires is
// escaped; bytes >= 0x7F pass through, as nginx leaves UTF-8 alone.
func appendJSONEscaped(dst, val []byte) []byte {
	for _, c := range val {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c >= 0x20:
			dst = append(dst, c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', upperHex[c>>4], upperHex[c&0xF])
		}
	}
	return dst
}

// argsEscape marks the bytes ngx_escape_uri escapes in NGX_ESCAPE_ARGS
// mode: control bytes, space, '#', '%', '&', '+', ';', '?', DEL and every
// byte >= 0x80.
var argsEscape = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c <= 0x20 || c >= 0x7f || c == '#' || c == '%' || c == '&' || c == '+' || c == ';' || c == '?'
	}
	return t
}()

// AppendReplacement evaluates a rewrite's replacement as nginx's script
// engine copies it: when escape is true (the client's path held a
// percent-escape or a '+', nginx's quoted_uri and plus_in_uri), each
// numbered capture ($1..$9) written after the replacement's first "?", or
// every one when all is true (a redirect), is escaped as an argument is
// (NGX_ESCAPE_ARGS). A capture holds the decoded path, so "%25" in the
// client's URI would otherwise reach the new arguments as a bare "%".
func (t *Template) AppendReplacement(dst []byte, r *Request, escape, all bool) []byte {
	if !escape {
		return t.Append(dst, r)
	}
	inArgs := all
	for i := range t.parts {
		p := &t.parts[i]
		switch {
		case p.get == nil:
			dst = append(dst, p.lit...)
			inArgs = inArgs || strings.IndexByte(p.lit, '?') >= 0
		case p.skip(r):
		case inArgs && len(p.name) == 1 && p.name[0] >= '1' && p.name[0] <= '9':
			start := len(dst)
			dst = p.get(dst, r, p)
			dst = appendArgsEscaped(dst, start)
		default:
			dst = p.get(dst, r, p)
		}
	}
	return dst
}

// appendArgsEscaped escapes dst[start:] in place for NGX_ESCAPE_ARGS.
func appendArgsEscaped(dst []byte, start int) []byte {
	for _, c := range dst[start:] {
		if argsEscape[c] {
			val := append([]byte(nil), dst[start:]...)
			return AppendPercentEscaped(dst[:start], val, &argsEscape)
		}
	}
	return dst
}

// AppendPercentEscaped appends s with every byte that escape marks
// written as %XX, in upper-case hex as ngx_escape_uri writes it, whatever
// its mode (the table says which bytes the mode escapes).
func AppendPercentEscaped(dst, s []byte, escape *[256]bool) []byte {
	for _, c := range s {
		if escape[c] {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&0xF])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// AppendPercentDecoded appends s with each %XX escape decoded; a '%' not
// followed by two hex digits stays as it is.
func AppendPercentDecoded(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' && i+2 < len(s) && IsHex(s[i+1]) && IsHex(s[i+2]) {
			dst = append(dst, Unhex(s[i+1])<<4|Unhex(s[i+2]))
			i += 2
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}

// IsHex reports whether c is a hex digit, either case.
func IsHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// Unhex is the value of the hex digit c.
func Unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}
