package proxy

import (
	"bytes"

	"github.com/gw-proxy/gw/conf/vars"
)

// Hop-by-hop headers describe one connection, not the message, so they
// never cross the proxy in either direction (RFC 9110 section 7.6.1):
// Connection and every header it names, Keep-Alive, TE,
// Trailer, Transfer-Encoding, Upgrade and every Proxy-* header. Upgrade is
// the exception on a handshake gw proxies (websocket.go), which sends
// its own Upgrade and Connection lines.

// isHopByHop reports whether name is one of the fixed hop-by-hop headers,
// compared case-insensitively without allocating.
func isHopByHop(name []byte) bool {
	switch len(name) {
	case 2:
		return equalFold(name, "te")
	case 7:
		return equalFold(name, "trailer") || equalFold(name, "upgrade")
	case 10:
		return equalFold(name, "connection") || equalFold(name, "keep-alive")
	case 17:
		return equalFold(name, "transfer-encoding")
	}
	return len(name) > 6 && equalFold(name[:6], "proxy-")
}

// equalFold compares b with the lower-case ASCII string s.
func equalFold(b []byte, s string) bool { return vars.LowerEqual(b, s) }

// hasPrefixFold reports whether b starts with the lower-case ASCII prefix.
func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && equalFold(b[:len(prefix)], prefix)
}

// connTokens collects the header names listed in Connection header values
// ("Connection: keep-alive, X-Trace"): those headers are hop-by-hop too.
// The tokens point into the header they were read from.
type connTokens struct {
	names [][]byte
}

func (t *connTokens) reset() { t.names = t.names[:0] }

// add splits one Connection value into its comma-separated tokens.
func (t *connTokens) add(value []byte) {
	for len(value) > 0 {
		var tok []byte
		tok, value, _ = vars.CutByte(value, ',')
		tok = bytes.TrimSpace(tok)
		if len(tok) > 0 {
			t.names = append(t.names, tok)
		}
	}
}

// addNames is add for a response's Connection value, keeping only the
// header names it lists: the connection options close and keep-alive
// name no header to remove (Keep-Alive is hop-by-hop anyway), and a
// response nearly always carries one of them, which copyHeader would
// otherwise compare with every line. It reports whether a name was kept,
// since copyHeader may have passed that header already.
func (t *connTokens) addNames(value []byte) (named bool) {
	before := len(t.names)
	t.add(value)
	kept := t.names[:before]
	for _, n := range t.names[before:] {
		if !equalFold(n, "close") && !equalFold(n, "keep-alive") {
			kept = append(kept, n)
		}
	}
	t.names = kept
	return len(kept) > before
}

// has reports whether the Connection header named name.
func (t *connTokens) has(name []byte) bool {
	for _, n := range t.names {
		if bytes.EqualFold(n, name) {
			return true
		}
	}
	return false
}
