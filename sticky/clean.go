package sticky

import "bytes"

// CleanAction tells the proxy what to do with the request's Cookie headers.
type CleanAction uint8

// The outcomes of Clean.
const (
	// CleanKeep: forward the Cookie header lines unchanged.
	CleanKeep CleanAction = iota
	// CleanReplace: replace all Cookie header lines with one, the bytes
	// Clean appended to dst.
	CleanReplace
	// CleanRemove: remove the Cookie header; no pair is left.
	CleanRemove
)

// Clean builds the Cookie header the backend receives when
// session_sticky_header (or session_sticky_hide_cookie) is on for the
// location: in option=indirect every pair named NAME is removed; in
// mode=prefix the "SID~" in front of NAME's value is removed, so the
// backend sees its own cookies as if no proxy had added anything. Without
// cleaning the backend gets the client's header unchanged. lines are the
// raw values of the request's Cookie header lines.
//
// When nothing needs changing, Clean returns dst (its length unchanged) and
// CleanKeep, so headers without the sticky cookie reach the backend byte for
// byte. Otherwise it
// appends the rebuilt value, well-formed as "a=1; b=2", to dst (one line for
// all input lines) and returns CleanReplace, or CleanRemove when no pair is
// left. It does not allocate when dst has room.
//
// Unlike Tengine, which cuts bytes around the first match in place, the
// rebuild removes every occurrence and leaves no dangling separator.
func (p *Policy) Clean(dst []byte, lines [][]byte) ([]byte, CleanAction) {
	if !p.cfg.Cleans() {
		return dst, CleanKeep
	}
	// One pass that rebuilds optimistically: in these modes nearly every
	// request after the first carries the cookie, so a change is the rule.
	start, changed := len(dst), false
	var sc pairScanner
	for seg, more := sc.scan(lines); more; seg, more = sc.scan(lines) {
		name, value, ok := splitPair(seg)
		sticky := ok && string(name) == p.cfg.Cookie
		if sticky && p.cfg.Mode != ModePrefix {
			changed = true // option=indirect: the backend never sees our cookie
			continue
		}
		if len(dst) > start {
			dst = append(dst, ';', ' ')
		}
		switch {
		case sticky:
			dst = append(dst, name...)
			dst = append(dst, '=')
			dst, changed = appendUnprefixed(dst, value, changed)
		case ok:
			dst = append(dst, name...)
			dst = append(dst, '=')
			dst = append(dst, value...)
		default:
			dst = append(dst, seg...)
		}
	}
	switch {
	case !changed:
		return dst[:start], CleanKeep
	case len(dst) == start:
		return dst, CleanRemove
	}
	return dst, CleanReplace
}

// appendUnprefixed appends value without the text up to and including its
// first "~", keeping surrounding quotes so a quoted value stays quoted. It
// sets changed when there was a "~" to strip.
func appendUnprefixed(dst, value []byte, changed bool) ([]byte, bool) {
	quoted := isQuoted(value)
	v := unquote(value)
	if i := bytes.IndexByte(v, '~'); i >= 0 {
		v, changed = v[i+1:], true
	}
	if quoted {
		dst = append(dst, '"')
		dst = append(dst, v...)
		return append(dst, '"'), changed
	}
	return append(dst, v...), changed
}
