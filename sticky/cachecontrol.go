package sticky

// AppendPrivate appends to dst the Cache-Control value a response must carry
// when nocache applies (HAProxy's "cookie ... nocache"): a shared cache must
// not hand one client's inserted cookie to another. cacheControl is the
// backend's value, nil or empty when it sent none. The result keeps the
// backend's directives in order, drops "public" (it contradicts private),
// replaces any "private" (also the field-qualified `private="..."`, which
// would still let the rest be stored) and ends with "private"; a directive
// with an unterminated quoted string is dropped as malformed. Directive
// names compare case-insensitively (RFC 9111 §5.2); quoted strings may hold
// commas. It does not allocate when dst has room.
func AppendPrivate(dst, cacheControl []byte) []byte {
	rest := cacheControl
	for len(rest) > 0 {
		d, r, ok := nextDirective(rest)
		rest = r
		if !ok || len(d) == 0 || directiveIs(d, "public") || directiveIs(d, "private") {
			continue
		}
		dst = append(dst, d...)
		dst = append(dst, ',', ' ')
	}
	return append(dst, "private"...)
}

// nextDirective cuts the first comma-separated directive from s, honouring
// quoted strings with backslash escapes, and returns it trimmed. ok is false
// for a directive whose quoted string never ends: kept, it would swallow the
// "private" written after it.
func nextDirective(s []byte) (d, rest []byte, ok bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			return trimOWS(s[:i]), s[i+1:], true
		}
	}
	return trimOWS(s), nil, !quoted
}

// directiveIs reports whether directive d is named name (lower-case ASCII),
// with or without an "=argument".
func directiveIs(d []byte, name string) bool {
	n := len(d)
	for i, c := range d {
		if c == '=' {
			n = i
			break
		}
	}
	key := trimOWS(d[:n])
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		if c|0x20 != name[i] {
			return false
		}
	}
	return true
}
