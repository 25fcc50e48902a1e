package maps

import "strings"

// keyKind is how a key of a hostnames map is matched.
type keyKind uint8

const (
	keyExact    keyKind = iota
	keyDotHead          // .example.com: example.com and every name below it
	keyStarHead         // *.example.com: every name below example.com
	keyTail             // www.example.*: www.example. followed by anything
	keyInvalid
)

// classify sorts a key of a hostnames map with the rules of nginx's
// ngx_hash_add_key for wildcard keys: one asterisk at most, and only as a
// whole first or last label; no empty label ("..").
func classify(k string) keyKind {
	if strings.Count(k, "*") > 1 || strings.Contains(k, "..") || strings.IndexByte(k, 0) >= 0 {
		return keyInvalid
	}
	switch {
	case len(k) > 1 && k[0] == '.':
		if strings.Contains(k, "*") {
			return keyInvalid
		}
		return keyDotHead
	case len(k) > 2 && strings.HasPrefix(k, "*."):
		return keyStarHead
	case len(k) > 2 && strings.HasSuffix(k, ".*"):
		return keyTail
	case strings.Contains(k, "*"):
		return keyInvalid
	}
	return keyExact
}

// head finds the longest head wildcard matching the lower-case name h:
// every suffix that starts at a dot with at least one byte before it,
// leftmost (longest) first, as nginx's ngx_hash_find_wc_head ends up
// choosing. The whole name is matched by .example.com through exact.
func (m *Map) head(h []byte) *entry {
	if len(m.wildHead) == 0 {
		return nil
	}
	for i := 1; i < len(h); i++ {
		if h[i] == '.' {
			if e, ok := m.wildHead[string(h[i:])]; ok {
				return e
			}
		}
	}
	return nil
}

// tail finds the longest tail wildcard matching h: every prefix that ends
// before a dot with at least one byte after it, rightmost (longest) first;
// www.example.* needs something after "www.example.", as in
// ngx_hash_find_wc_tail.
func (m *Map) tail(h []byte) *entry {
	if len(m.wildTail) == 0 {
		return nil
	}
	for i := len(h) - 2; i > 0; i-- {
		if h[i] == '.' {
			if e, ok := m.wildTail[string(h[:i])]; ok {
				return e
			}
		}
	}
	return nil
}
