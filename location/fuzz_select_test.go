package location

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

// Server names chosen to overlap: every wildcard form around a few labels.
var fuzzNames = []string{
	"", "_", "a", "a.b", "x.a.b", "b.a.b", "*.a.b", ".a.b", "*.b", ".x.a.b",
	"a.*", "a.b.*", "x.*", "~^a", `~b$`, `~^X\.`, "~.", "*.b.a.b", "b.*",
}

// fuzzServers reads up to eight servers, all on 0.0.0.0:80, from data: one
// byte for the number of names (and default_server), then one per name.
func fuzzServers(data []byte) []*conf.Server {
	var servers []*conf.Server
	for len(data) > 0 && len(servers) < 8 {
		n := int(data[0] % 4)
		def := data[0]&0x80 != 0 && !hasDefault(servers)
		data = data[1:]
		var names []string
		for ; n > 0 && len(data) > 0; n-- {
			names = append(names, fuzzNames[int(data[0])%len(fuzzNames)])
			data = data[1:]
		}
		l := "80"
		if def {
			l += " default_server"
		}
		servers = append(servers, vhost(string(rune('A'+len(servers))), []string{l}, names...))
	}
	return servers
}

func hasDefault(servers []*conf.Server) bool {
	for _, s := range servers {
		if s.Listens[0].DefaultServer {
			return true
		}
	}
	return false
}

// refSelect is ngx_http_find_virtual_server done the slow way: scan every
// name of every server for each rule in turn, keeping the first server
// among equally long wildcards (later ones would have been ignored as
// conflicting).
func refSelect(servers []*conf.Server, host string) *conf.Server {
	h := refHost(host)
	if s := refBest(servers, func(n string) int { return b2i(n == h && !strings.ContainsAny(n, "*") && !strings.HasPrefix(n, ".")) }); s != nil {
		return s
	}
	if h != "" {
		for _, rule := range []func(string) int{
			func(n string) int { return refHead(n, h) },
			func(n string) int { return refTail(n, h) },
		} {
			if s := refBest(servers, rule); s != nil {
				return s
			}
		}
		for _, s := range servers {
			for _, n := range s.Names {
				if n.Kind == conf.NameRegex && regexp.MustCompile(n.Regex.String()).MatchString(h) {
					return s
				}
			}
		}
	}
	for _, s := range servers {
		if s.Listens[0].DefaultServer {
			return s
		}
	}
	return servers[0]
}

// refBest returns the first server with the highest positive score of any
// of its non-regex names; a server without names has the name "".
func refBest(servers []*conf.Server, score func(string) int) *conf.Server {
	var best *conf.Server
	top := 0
	for _, s := range servers {
		names := []string{""}
		if len(s.Names) > 0 {
			names = nil
			for _, n := range s.Names {
				if n.Kind != conf.NameRegex {
					names = append(names, n.Name)
				}
			}
		}
		for _, n := range names {
			if v := score(n); v > top {
				best, top = s, v
			}
		}
	}
	return best
}

// refHead scores a head wildcard by the length of what it matches.
func refHead(n, h string) int {
	switch {
	case strings.HasPrefix(n, "*."):
		return b2i(strings.HasSuffix(h, n[1:]) && len(h) > len(n)-1) * len(n)
	case strings.HasPrefix(n, "."):
		if h == n[1:] {
			return 1000 // the whole host: longer than any suffix
		}
		return b2i(strings.HasSuffix(h, n) && len(h) > len(n)) * len(n)
	}
	return 0
}

// refTail scores a tail wildcard by the length of its fixed part.
func refTail(n, h string) int {
	if !strings.HasSuffix(n, ".*") {
		return 0
	}
	pre := n[:len(n)-1]
	return b2i(strings.HasPrefix(h, pre) && len(h) > len(pre)) * len(n)
}

// refHost strips a port and a trailing dot and lower-cases ASCII letters.
func refHost(host string) string {
	if strings.HasPrefix(host, "[") {
		if end := strings.Index(host, "]"); end >= 0 {
			host = host[:end+1]
		}
	} else {
		host, _, _ = strings.Cut(host, ":")
	}
	host = strings.TrimSuffix(host, ".")
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, host)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func FuzzSelect(f *testing.F) {
	f.Add([]byte{1, 6, 1, 7, 0x81, 10}, "x.a.b")
	f.Add([]byte{2, 3, 11, 1, 12}, "A.B.C:80")
	f.Add([]byte{1, 13, 1, 15, 0}, "X.y")
	f.Add([]byte{3, 0, 1, 2}, "")
	f.Fuzz(func(t *testing.T, data []byte, host string) {
		servers := fuzzServers(data)
		if len(servers) == 0 {
			return
		}
		if w, err := conf.CheckServerNames(servers); err != nil || len(w) > 0 {
			return // conflicts: the reference does not model which name nginx ignores
		}
		r, err := NewRouter(servers)
		if err != nil {
			t.Fatalf("NewRouter: %v", err)
		}
		if got, want := r.Select(0, wildcardIP, []byte(host)), refSelect(servers, host); got != want {
			t.Errorf("Select(%q) = %s, reference %s", host, id(got), id(want))
		}
	})
}
