package location

import (
	"bytes"
	"sync"

	"github.com/gw-proxy/gw/conf"
)

// hostName strips what nginx's ngx_http_validate_host strips from a Host
// header before the name lookup: the port (after the first colon, or after
// the closing bracket of an IPv6 literal) and one trailing dot. It returns a
// sub-slice of host.
func hostName(host []byte) []byte {
	if len(host) > 0 && host[0] == '[' {
		if i := bytes.IndexByte(host, ']'); i >= 0 {
			host = host[:i+1]
		}
	} else if i := bytes.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	if n := len(host); n > 0 && host[n-1] == '.' {
		host = host[:n-1]
	}
	return host
}

// hasUpper reports whether b has an ASCII upper-case letter. Clients send
// lower-case hosts almost always, so the common path needs no copy.
func hasUpper(b []byte) bool {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// maxPooledHost caps the buffers kept for reuse, so one huge Host header
// does not pin its memory forever.
const maxPooledHost = 4096

// hostBufs holds buffers for lower-cased hosts. A stack array would do for
// the map lookups, but regexp.(*Regexp).Match keeps its input in pooled
// matcher state, which makes any buffer it sees escape to the heap; a pool
// keeps Select at zero allocations in the steady state.
var hostBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 256)
	return &b
}}

// lowerHost returns a pooled buffer holding h in ASCII lower case (nginx
// lower-cases with ngx_tolower, ASCII only). Give it back with releaseHost.
func lowerHost(h []byte) *[]byte {
	buf := hostBufs.Get().(*[]byte)
	b := (*buf)[:0]
	for _, c := range h {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	*buf = b
	return buf
}

// releaseHost returns a buffer from lowerHost to the pool.
func releaseHost(buf *[]byte) {
	if cap(*buf) <= maxPooledHost {
		hostBufs.Put(buf)
	}
}

// Captures are the groups of the first of srv's regex names that matches
// host, as nginx sets them when a regex selected the server: the offsets
// into subject (host without its port and trailing dot, lower-cased) and
// the groups' names. ok is false when none matches. It allocates, so the
// handler calls it only for a server whose regexes have groups.
func Captures(srv *conf.Server, host []byte) (names []string, subject []byte, offsets []int, ok bool) {
	subject = bytes.ToLower(hostName(host))
	for _, n := range srv.Names {
		if n.Regex == nil {
			continue
		}
		if m := n.Regex.FindSubmatchIndex(subject); m != nil {
			return n.Regex.SubexpNames(), subject, m, true
		}
	}
	return nil, nil, nil, false
}
