package parser

import (
	"strings"
	"unicode/utf8"
)

// unescape applies nginx's escape processing to the text of a word (quotes
// already stripped). Like ngx_conf_read_token it knows \" \' \\ \t \r \n and
// leaves every other backslash in place, so regexes such as "\d+" survive.
// \r is not in gw's spec list but nginx has it, and nginx decides.
func unescape(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if r, ok := unescaped(s[i+1]); ok {
				b.WriteByte(r)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescaped maps the byte after a backslash to what the pair stands for.
func unescaped(c byte) (byte, bool) {
	switch c {
	case '"', '\'', '\\':
		return c, true
	case 't':
		return '\t', true
	case 'r':
		return '\r', true
	case 'n':
		return '\n', true
	}
	return 0, false
}

// escapedLetter is the inverse of unescaped for the bytes the printer must
// write as a pair.
func escapedLetter(c byte) (byte, bool) {
	switch c {
	case '\t':
		return 't', true
	case '\r':
		return 'r', true
	case '\n':
		return 'n', true
	}
	return 0, false
}

// isEscapable reports whether a backslash followed by c is an escape pair
// (and so a literal backslash before c must itself be written as \\).
func isEscapable(c byte) bool {
	_, ok := unescaped(c)
	return ok
}

// writeQuoted writes v as a quoted string using quote (" or ') such that the
// lexer and unescape give v back.
func writeQuoted(b *strings.Builder, v string, quote byte) {
	b.WriteByte(quote)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == quote:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\\':
			i = writeBackslash(b, v, i)
		default:
			writeByteEscaped(b, c)
		}
	}
	b.WriteByte(quote)
}

// writeByteEscaped writes c, as \t, \r or \n for the control bytes that have
// an escape so printed values stay on one line and keep their tabs visible.
func writeByteEscaped(b *strings.Builder, c byte) {
	if l, ok := escapedLetter(c); ok {
		b.WriteByte('\\')
		b.WriteByte(l)
		return
	}
	b.WriteByte(c)
}

// writeBackslash writes the literal backslash at v[i] and returns the index
// of the last byte it consumed. Before an escapable byte (or at the end,
// where it would swallow the closing quote or the separator) it must be
// doubled; otherwise the lexer takes the next character with it verbatim and
// unescape keeps both, so the pair is copied as is, which also keeps
// whatever follows (space, ";", "{", newline) inside the word.
func writeBackslash(b *strings.Builder, v string, i int) int {
	if i+1 >= len(v) || isEscapable(v[i+1]) {
		b.WriteString(`\\`)
		return i
	}
	_, size := utf8.DecodeRuneInString(v[i+1:])
	b.WriteString(v[i : i+1+size])
	return i + size
}
