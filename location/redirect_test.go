package location

import (
	"testing"

	"github.com/gw-proxy/gw/conf"
)

// proxied marks a location as having proxy_pass, which is what gives it
// nginx's auto_redirect.
func proxied(l *conf.Location) *conf.Location {
	l.Settings = &conf.Settings{ProxyPass: &conf.ProxyPass{}}
	return l
}

func TestAutoRedirect(t *testing.T) {
	cases := []struct {
		name     string
		server   *conf.Server
		path     string
		want     string // name() of the location, "" for none
		redirect bool
	}{
		{"URI without the slash of a proxied prefix", server(loc("/"), proxied(loc("/app/"))), "/app", "/app/", true},
		{"URI without the slash of a proxied exact location", server(loc("/"), proxied(loc("= /x/"))), "/x", "= /x/", true},
		{"a location written for the URI itself wins", server(loc("/app"), proxied(loc("/app/"))), "/app", "/app", false},
		{"an exact location for the URI wins", server(loc("= /app"), proxied(loc("/app/"))), "/app", "= /app", false},
		{"a location that does not proxy does not redirect", server(loc("/"), loc("/app/")), "/app", "/", false},
		{"the full URI matches normally", server(loc("/"), proxied(loc("/app/"))), "/app/", "/app/", false},
		{"a longer URI is not redirected", server(loc("/"), proxied(loc("/app/"))), "/appx", "/", false},
		{"redirect comes before regexes", server(loc("~ app"), proxied(loc("/app/"))), "/app", "/app/", true},
		{"inside a nested block", server(loc("/a/", proxied(loc("/a/b/")))), "/a/b", "/a/b/", true},
		{"split trie node", server(proxied(loc("/foo/")), loc("/foobar")), "/foo", "/foo/", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustCompile(t, c.server)
			got, redirect := m.Lookup([]byte(c.path))
			if name(got) != c.want || redirect != c.redirect {
				t.Fatalf("Lookup(%q) = %q redirect=%v, want %q redirect=%v", c.path, name(got), redirect, c.want, c.redirect)
			}
		})
	}
}
