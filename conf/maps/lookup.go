package maps

import (
	"github.com/gw-proxy/gw/conf/vars"
)

var _ vars.Evaluator = (*Map)(nil)

// Append evaluates the map for r and appends its value to dst, as nginx's
// ngx_http_map_variable does: the source is evaluated (without one trailing
// dot in a hostnames map), looked up lower-cased among the exact keys, then
// the wildcards, then matched against each regex as it is, and the first
// value found — else the default, else "" — is evaluated in turn. An empty
// source is only compared with the key "" (the WebSocket idiom `” close;`).
func (m *Map) Append(dst []byte, r *vars.Request) []byte {
	buf := r.Scratch()
	buf = m.source.Append(buf, r)
	n := len(buf)
	if m.hostnames && n > 0 && buf[n-1] == '.' {
		n--
	}
	buf = appendLower(buf[:n], buf[:n])
	key, low := buf[:n], buf[n:]
	e := m.find(low)
	if e == nil && n > 0 {
		for i := range m.regexes {
			rk := &m.regexes[i]
			if !rk.captures {
				if rk.re.Match(key) {
					e = rk.e
					break
				}
				continue
			}
			if loc := rk.re.FindSubmatchIndex(key); loc != nil {
				dst = appendCapturing(dst, r, rk, key, loc)
				r.Release(buf)
				return dst
			}
		}
	}
	if e == nil {
		e = m.def
	}
	if e != nil {
		dst = e.value.Append(dst, r)
	}
	r.Release(buf)
	return dst
}

// find looks the lower-case key up among the exact keys and wildcards.
func (m *Map) find(low []byte) *entry {
	if e, ok := m.exact[string(low)]; ok {
		return e
	}
	if !m.hostnames || len(low) == 0 {
		return nil
	}
	if e := m.head(low); e != nil {
		return e
	}
	return m.tail(low)
}

// appendCapturing evaluates a regex key's value with that regex's groups as
// $1..$9 and named captures, then gives the request its own captures back.
// [gw] nginx leaves the map's captures in the request, so what $1 means
// later depends on whether a map was read first; gw keeps the map's groups
// to the map's value.
func appendCapturing(dst []byte, r *vars.Request, rk *regexKey, subject []byte, loc []int) []byte {
	names, subj, caps := r.CaptureNames, r.CaptureSubject, r.Captures
	r.CaptureNames, r.CaptureSubject, r.Captures = rk.re.SubexpNames(), subject, loc
	dst = rk.e.value.Append(dst, r)
	r.CaptureNames, r.CaptureSubject, r.Captures = names, subj, caps
	return dst
}

// appendLower appends s lower-cased (ASCII) to dst.
func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
