package location

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

func TestSockets(t *testing.T) {
	tests := []struct {
		name    string
		servers func() []*conf.Server
		want    string // Addr of each socket, in order
	}{
		{"one wildcard", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80"}), vhost("b", []string{"80"})}
		}, "0.0.0.0:80"},
		{"specific address shares the wildcard socket", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"127.0.0.1:80"}), vhost("b", []string{"80"})}
		}, "0.0.0.0:80"},
		{"specific address alone on its port", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"127.0.0.1:8080"}), vhost("b", []string{"80"})}
		}, "127.0.0.1:8080 0.0.0.0:80"},
		{"two specific addresses without a wildcard", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"127.0.0.1:81", "127.0.0.2:81"})}
		}, "127.0.0.1:81 127.0.0.2:81"},
		{"specific address with reuseport is bound apart, before the wildcard", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80"}), vhost("b", []string{"127.0.0.1:80 reuseport"})}
		}, "127.0.0.1:80 0.0.0.0:80"},
		{"specific address with backlog is bound apart", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"127.0.0.2:80", "127.0.0.1:80 backlog=10", "80"})}
		}, "127.0.0.1:80 0.0.0.0:80"},
		{"IPv4 and IPv6 wildcards are separate ports", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80", "[::]:80"})}
		}, "0.0.0.0:80 [::]:80"},
		{"IPv6 specific address shares the IPv6 wildcard", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"[::1]:80", "[::]:80", "80"})}
		}, "[::]:80 0.0.0.0:80"},
		{"ports in order of first appearance", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"8080", "80"}), vhost("b", []string{"443", "8080"})}
		}, "0.0.0.0:8080 0.0.0.0:80 0.0.0.0:443"},
		{"no servers, no sockets", func() []*conf.Server { return nil }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRouter(t, tc.servers()...)
			if got := addrs(r.Sockets()); got != tc.want {
				t.Errorf("Sockets = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSocketOptions(t *testing.T) {
	r := mustRouter(t,
		vhost("a", []string{"443 ssl", "80"}),
		vhost("b", []string{"443 reuseport backlog=511", "[::1]:8443"}),
	)
	want := []Socket{
		{Addr: "0.0.0.0:443", Network: "tcp4", SSL: true, ReusePort: true, Backlog: len("backlog=511")},
		{Addr: "0.0.0.0:80", Network: "tcp4"},
		{Addr: "[::1]:8443", Network: "tcp6"},
	}
	got := r.Sockets()
	if len(got) != len(want) {
		t.Fatalf("Sockets = %v, want %v", got, want)
	}
	for i := range want {
		w := want[i]
		w.AddrPort = got[i].AddrPort
		if got[i] != w || got[i].AddrPort.String() != w.Addr {
			t.Errorf("socket %d = %+v, want %+v", i, got[i], w)
		}
	}
}

func TestSocketsIsACopy(t *testing.T) {
	r := mustRouter(t, vhost("a", []string{"80"}))
	r.Sockets()[0].Addr = "changed"
	if r.Sockets()[0].Addr != "0.0.0.0:80" {
		t.Error("Sockets exposes the Router's own slice")
	}
}

func TestSSLPerAddress(t *testing.T) {
	r := mustRouter(t, vhost("a", []string{"443 ssl"}), vhost("b", []string{"127.0.0.1:443"}))
	tests := []struct {
		name  string
		local string
		want  bool
	}{
		{"wildcard address with ssl", "10.0.0.1", true},
		{"specific address without ssl on the same socket", "127.0.0.1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := r.Address(0, mustAddr(tc.local))
			if a.SSL() != tc.want {
				t.Errorf("Address(%s).SSL() = %v, want %v", a, a.SSL(), tc.want)
			}
		})
	}
}

// TestRouterAccepts builds addresses shared the ways nginx allows. The
// ways it refuses are conf's errors (conf/listen_test.go).
func TestRouterAccepts(t *testing.T) {
	tests := []struct {
		name    string
		servers func() []*conf.Server
	}{
		{"default servers on different addresses", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80 default_server"}), vhost("b", []string{"127.0.0.1:80 default_server"})}
		}},
		{"options once and plain listens on one address", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80"}), vhost("b", []string{"80 backlog=10"}), vhost("c", []string{"80"})}
		}},
		{"ssl on one listen only", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"443 ssl"}), vhost("b", []string{"443"})}
		}},
		{"a server listening on two addresses", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80", "127.0.0.1:80"})}
		}},
		{"a server with no names", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"80"}), vhost("b", []string{"80"})}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustRouter(t, tc.servers()...)
		})
	}
}

// TestConflictingServerNames: the name conf warns about is the one the
// router ignores, the first server keeping it.
func TestConflictingServerNames(t *testing.T) {
	tests := []struct {
		name      string
		first     []string
		second    []string
		listens   []string // of the second server; the first listens on 80
		conflicts []string // names warned about, in order
		host      string   // served by the first server despite the second
	}{
		{"same exact name", []string{"a.test"}, []string{"a.test"}, []string{"80"}, []string{"a.test"}, "a.test"},
		{"same name in another case", []string{"a.test"}, []string{"A.TEST"}, []string{"80"}, []string{"A.TEST"}, "a.test"},
		{"exact then .name", []string{"a.test"}, []string{".a.test"}, []string{"80"}, []string{".a.test"}, "a.test"},
		{".name then exact", []string{".a.test"}, []string{"a.test"}, []string{"80"}, []string{"a.test"}, "a.test"},
		{"*.name then .name", []string{"*.a.test"}, []string{".a.test"}, []string{"80"}, []string{".a.test"}, "x.a.test"},
		{"same tail wildcard", []string{"www.*"}, []string{"www.*"}, []string{"80"}, []string{"www.*"}, "www.a"},
		{"two servers without names", nil, nil, []string{"80"}, []string{""}, ""},
		{"regexes never conflict", []string{"~a"}, []string{"~a"}, []string{"80"}, nil, "a"},
		{"same name on different addresses", []string{"a.test"}, []string{"a.test"}, []string{"8080"}, nil, "a.test"},
		{"same name twice in one server", []string{"a.test", "a.test"}, []string{"b.test"}, []string{"80"}, []string{"a.test"}, "a.test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := vhost("first", []string{"80"}, tc.first...)
			second := vhost("second", tc.listens, tc.second...)
			r := mustRouter(t, first, second)
			warnings, err := conf.CheckServerNames([]*conf.Server{first, second})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range warnings {
				got = append(got, w.Msg)
			}
			var want []string
			for _, n := range tc.conflicts {
				want = append(want, `conflicting server name "`+strings.ToLower(n)+`" on 0.0.0.0:80, ignored`)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("Warnings = %q, want %q", got, want)
			}
			if s := id(r.Select(0, wildcardIP, []byte(tc.host))); s != "first" {
				t.Errorf("Select(%q) = %q, want the first server", tc.host, s)
			}
		})
	}
}

func TestConflictWarningPosition(t *testing.T) {
	second := vhost("b", []string{"80"}, "a.test")
	w, err := conf.CheckServerNames([]*conf.Server{vhost("a", []string{"80"}, "a.test"), second})
	if err != nil || len(w) != 1 || w[0].Pos != second.Names[0].Pos {
		t.Errorf("Warnings = %+v, want one at %v", w, second.Names[0].Pos)
	}
}
