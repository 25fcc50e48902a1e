package sticky

// setCookieValue locates the cookie-pair of a Set-Cookie value, the text
// before its first ";". It returns the trimmed name and the bounds of the
// trimmed value in line; ok is false when the pair has no "=".
func setCookieValue(line []byte) (name []byte, vs, ve int, ok bool) {
	end := len(line)
	eq := -1
	for i, c := range line {
		if c == ';' {
			end = i
			break
		}
		if c == '=' && eq < 0 {
			eq = i
		}
	}
	if eq < 0 {
		return nil, 0, 0, false
	}
	vs, ve = eq+1, end
	for vs < ve && (line[vs] == ' ' || line[vs] == '\t') {
		vs++
	}
	for ve > vs && (line[ve-1] == ' ' || line[ve-1] == '\t') {
		ve--
	}
	return trimOWS(line[:eq]), vs, ve, true
}

// Names reports whether a backend Set-Cookie value sets the sticky cookie:
// its cookie name is exactly NAME, case-sensitive. "mytest=1" does not set
// cookie "test" (Tengine matched a substring, case-insensitively).
func (p *Policy) Names(setCookie []byte) bool {
	name, ok := setCookieName(setCookie)
	return ok && string(name) == p.cfg.Cookie
}

// setCookieName is the trimmed name of setCookieValue's cookie-pair, read
// up to its "=" only: every backend Set-Cookie line is asked for its name.
func setCookieName(line []byte) ([]byte, bool) {
	for i, c := range line {
		switch c {
		case '=':
			return trimOWS(line[:i]), true
		case ';':
			return nil, false
		}
	}
	return nil, false
}

// findNamed returns the index of the first backend Set-Cookie that names
// the sticky cookie (-1 if none) and whether a later one does too.
func (p *Policy) findNamed(setCookies [][]byte) (first int, more bool) {
	first = -1
	for i, line := range setCookies {
		if !p.Names(line) {
			continue
		}
		if first >= 0 {
			return first, true
		}
		first = i
	}
	return first, false
}

// AppendRewrite appends to dst the backend Set-Cookie value line with the
// cookie's value changed for peer: replaced by the sid in mode=rewrite, or
// prefixed with "SID~" in mode=prefix (inside the quotes of a quoted value).
// Everything else, name and attributes included, is kept byte for byte.
// It returns dst unchanged and false when line does not set NAME or the
// mode is insert. It does not allocate when dst has room.
func (p *Policy) AppendRewrite(dst, line []byte, peer int) ([]byte, bool) {
	if p.cfg.Mode == ModeInsert {
		return dst, false
	}
	name, vs, ve, ok := setCookieValue(line)
	if !ok || string(name) != p.cfg.Cookie {
		return dst, false
	}
	sid := p.table.SID(peer)
	if p.cfg.Mode == ModeRewrite {
		dst = append(dst, line[:vs]...)
		dst = append(dst, sid...)
		return append(dst, line[ve:]...), true
	}
	at := vs
	if isQuoted(line[vs:ve]) {
		at++
	}
	dst = append(dst, line[:at]...)
	dst = append(dst, sid...)
	dst = append(dst, '~')
	return append(dst, line[at:]...), true
}
