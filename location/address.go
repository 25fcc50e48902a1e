package location

import (
	"net/netip"

	"github.com/gw-proxy/gw/conf"
)

// Address is the configuration of one listen address (ip:port): the server
// blocks listening on it, their names and its default server. It is nginx's
// ngx_http_addr_conf_t. Server names are per address: a name written in a
// server that does not listen on the connection's address never matches.
type Address struct {
	text string     // "0.0.0.0:80", as nginx prints it in messages
	ip   netip.Addr // compared with a connection's local address
	ssl  bool
	def  *conf.Server // default_server, else the first server listening here
	// only is the one server block listening here, nil when there are
	// more: every Host then selects it, and Server skips the lookup.
	only *conf.Server

	exact    map[string]*conf.Server // example.com, "" and "_"
	dotExact map[string]*conf.Server // example.com, for .example.com
	wildHead map[string]*conf.Server // .example.com, for *.example.com and .example.com
	wildTail map[string]*conf.Server // www.example, for www.example.*
	regexes  []nameRegex             // in the order nginx tests them
}

// nameRegex is one `server_name ~re`.
type nameRegex struct {
	rx  prefiltered
	srv *conf.Server
}

// String returns the address as nginx prints it: "0.0.0.0:80", "[::1]:80".
func (a *Address) String() string {
	if a == nil {
		return ""
	}
	return a.text
}

// SSL reports whether connections to this address speak TLS: nginx decides
// per address, not per socket, so one wildcard socket may serve a plain and
// an ssl address of the same port.
func (a *Address) SSL() bool {
	return a != nil && a.ssl
}

// Default returns the server that serves a request whose Host matches no
// name on this address: the one listening with default_server, else the
// first server block listening on it.
func (a *Address) Default() *conf.Server {
	if a == nil {
		return nil
	}
	return a.def
}

// Server returns the server block for a request whose Host header is host,
// following ngx_http_find_virtual_server and ngx_hash_find_combined:
//
//  1. the exact name;
//  2. the longest wildcard starting with an asterisk (`*.example.com`, and
//     `.example.com`, which also matches example.com itself);
//  3. the longest wildcard ending with an asterisk (`www.example.*`);
//  4. the first regex, in the order the servers and names were written;
//  5. the default server of the address.
//
// host is compared case-insensitively, without a port (`example.com:8080`)
// and without one trailing dot, as nginx's ngx_http_validate_host leaves it.
// An empty host matches only the name "" (nginx's default server_name), and
// is never tested against regexes or wildcards. It allocates nothing.
func (a *Address) Server(host []byte) *conf.Server {
	if a == nil {
		return nil
	}
	if a.only != nil {
		return a.only
	}
	h := hostName(host)
	var s *conf.Server
	if hasUpper(h) {
		buf := lowerHost(h)
		s = a.byName(*buf)
		releaseHost(buf)
	} else {
		s = a.byName(h)
	}
	if s == nil {
		return a.def
	}
	return s
}

// byName runs steps 1-4 of Server on a lower-case host.
func (a *Address) byName(h []byte) *conf.Server {
	if s, ok := a.exact[string(h)]; ok {
		return s
	}
	if len(h) == 0 {
		return nil
	}
	if s := a.head(h); s != nil {
		return s
	}
	if s := a.tail(h); s != nil {
		return s
	}
	for _, r := range a.regexes {
		if r.rx.match(h) {
			return r.srv
		}
	}
	return nil
}

// head finds the longest `*.suffix` or `.suffix` wildcard matching h. The
// whole host is the longest candidate (only the `.example.com` form matches
// example.com itself); then every suffix that starts at a dot with at least
// one byte before it, leftmost (longest) first.
func (a *Address) head(h []byte) *conf.Server {
	if len(a.wildHead) == 0 {
		return nil
	}
	if s, ok := a.dotExact[string(h)]; ok {
		return s
	}
	for i := 1; i < len(h); i++ {
		if h[i] != '.' {
			continue
		}
		if s, ok := a.wildHead[string(h[i:])]; ok {
			return s
		}
	}
	return nil
}

// tail finds the longest `prefix.*` wildcard matching h: every prefix that
// ends before a dot with at least one byte after it, rightmost (longest)
// first. The asterisk must stand for something, so www.example.* does not
// match www.example (ngx_hash_find_wc_tail).
func (a *Address) tail(h []byte) *conf.Server {
	if len(a.wildTail) == 0 {
		return nil
	}
	for i := len(h) - 2; i > 0; i-- {
		if h[i] != '.' {
			continue
		}
		if s, ok := a.wildTail[string(h[:i])]; ok {
			return s
		}
	}
	return nil
}
