package location

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

var (
	wildcardIP = netip.MustParseAddr("10.0.0.1") // any address that no listen names
	loopback   = netip.MustParseAddr("127.0.0.1")
)

func mustRouter(t testing.TB, servers ...*conf.Server) *Router {
	t.Helper()
	r, err := NewRouter(servers)
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	return r
}

// namesConfig has every kind of server_name on 0.0.0.0:80.
func namesConfig() []*conf.Server {
	l := []string{"80"}
	return []*conf.Server{
		vhost("first", l, "first.test"),
		vhost("exact", l, "example.com", "www.example.com"),
		vhost("regex-any", l, `~\.example\.(com|net)$`),
		vhost("star", l, "*.example.com"),
		vhost("star-longer", l, "*.a.example.com"),
		vhost("dot", l, ".example.org"),
		vhost("tail", l, "www.example.*"),
		vhost("tail-short", l, "www.*"),
		vhost("regex-api", l, `~^api\d+\.example\.net$`),
		vhost("regex-upper", l, `~^Mixed\.test$`),
		vhost("noname", l),
		vhost("default", []string{"80 default_server"}, "_"),
	}
}

func TestSelectByHost(t *testing.T) {
	r := mustRouter(t, namesConfig()...)
	tests := []struct {
		name, host, want string
	}{
		{"exact", "example.com", "exact"},
		{"exact second name", "www.example.com", "exact"},
		{"exact beats head and tail wildcards", "www.example.com", "exact"},
		{"upper-case host", "WWW.Example.COM", "exact"},
		{"host with port", "example.com:8080", "exact"},
		{"host with trailing dot", "example.com.", "exact"},
		{"upper-case host with port and dot", "EXAMPLE.COM.:80", "exact"},
		{"*.example.com", "foo.example.com", "star"},
		{"*.example.com at any depth", "a.b.example.com", "star"},
		{"*.example.com does not match example.com", "xexample.com", "default"},
		{"longest head wildcard", "x.a.example.com", "star-longer"},
		{"*.a.example.com needs a label before", "a.example.com", "star"},
		{"head wildcard beats tail wildcard", "www.sub.example.com", "star"},
		{"head wildcard beats an earlier regex", "api1.example.com", "star"},
		{".example.org matches example.org", "example.org", "dot"},
		{".example.org matches a subdomain", "x.example.org", "dot"},
		{".example.org upper-case", "X.EXAMPLE.ORG", "dot"},
		{"www.example.*", "www.example.net", "tail"},
		{"longest tail wildcard", "www.example.co.uk", "tail"},
		{"shorter tail wildcard", "www.other.test", "tail-short"},
		{"tail asterisk must match a label", "www.example", "tail-short"},
		{"first regex in file order", "api12.example.net", "regex-any"},
		{"regex only", "api12.test.net", "default"},
		{"regex on the lower-cased host", "API12.EXAMPLE.NET", "regex-any"},
		{"regex with upper case is case-insensitive", "mixed.test", "regex-upper"},
		{"empty host matches server_name \"\"", "", "noname"},
		{"empty host after stripping the port", ":80", "noname"},
		{"_ is an ordinary name", "_", "default"},
		{"unknown host goes to default_server", "unknown.test", "default"},
		{"IPv6 literal host", "[::1]:80", "default"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := id(r.Select(0, wildcardIP, []byte(tc.host))); got != tc.want {
				t.Errorf("Select(host %q) = %q, want %q", tc.host, got, tc.want)
			}
		})
	}
}

func TestSelectDefaultServer(t *testing.T) {
	tests := []struct {
		name    string
		servers func() []*conf.Server
		want    string
	}{
		{"first server is the implicit default", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"8080"}, "a.test"), vhost("b", []string{"8080"}, "b.test")}
		}, "a"},
		{"default_server beats the first server", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"8080"}, "a.test"), vhost("b", []string{"8080 default_server"}, "b.test")}
		}, "b"},
		{"default_server on another port does not count", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"8080"}), vhost("b", []string{"8080", "9090 default_server"})}
		}, "a"},
		{"first server listening here, not first in the file", func() []*conf.Server {
			return []*conf.Server{vhost("a", []string{"9090"}), vhost("b", []string{"8080"}), vhost("c", []string{"8080", "9090"})}
		}, "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRouter(t, tc.servers()...)
			sock := socketIndex(t, r, "0.0.0.0:8080")
			if got := id(r.Select(sock, wildcardIP, []byte("nomatch.test"))); got != tc.want {
				t.Errorf("Select = %q, want %q", got, tc.want)
			}
		})
	}
}

// socketIndex finds the index of the socket bound to addr.
func socketIndex(t testing.TB, r *Router, addr string) int {
	t.Helper()
	for i, s := range r.Sockets() {
		if s.Addr == addr {
			return i
		}
	}
	t.Fatalf("no socket %s in %v", addr, r.Sockets())
	return -1
}

func TestSelectSpecificAddressBeforeWildcard(t *testing.T) {
	r := mustRouter(t,
		vhost("wild-a", []string{"80"}, "a.test"),
		vhost("lo-b", []string{"127.0.0.1:80"}, "b.test"),
		vhost("lo-a", []string{"127.0.0.1:80"}, "a.test"),
		vhost("wild-c", []string{"80"}, "c.test"),
	)
	if got := addrs(r.Sockets()); got != "0.0.0.0:80" {
		t.Fatalf("Sockets = %s, want only the wildcard", got)
	}
	tests := []struct {
		name  string
		local netip.Addr
		host  string
		want  string
	}{
		{"specific address: its own server for a shared name", loopback, "a.test", "lo-a"},
		{"specific address: its own names", loopback, "b.test", "lo-b"},
		{"specific address: wildcard names do not apply", loopback, "c.test", "lo-b"},
		{"specific address: its first server is its default", loopback, "x.test", "lo-b"},
		{"IPv4-mapped local address is the IPv4 one", netip.MustParseAddr("::ffff:127.0.0.1"), "a.test", "lo-a"},
		{"other local address: the wildcard's servers", wildcardIP, "a.test", "wild-a"},
		{"other local address: specific names do not apply", wildcardIP, "b.test", "wild-a"},
		{"other local address: wildcard names", wildcardIP, "c.test", "wild-c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := id(r.Select(0, tc.local, []byte(tc.host))); got != tc.want {
				t.Errorf("Select(%v, %q) = %q, want %q", tc.local, tc.host, got, tc.want)
			}
		})
	}
}

func TestSelectOutOfRangeSocket(t *testing.T) {
	r := mustRouter(t, vhost("a", []string{"80"}))
	for _, sock := range []int{-1, 1} {
		if s := r.Select(sock, wildcardIP, []byte("a")); s != nil {
			t.Errorf("Select(sock %d) = %v, want nil", sock, s)
		}
	}
}

func addrs(socks []Socket) string {
	var b []string
	for _, s := range socks {
		b = append(b, s.Addr)
	}
	return strings.Join(b, " ")
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestSelectHeadWildcardForms(t *testing.T) {
	tests := []struct {
		name, server, host string
		match              bool
	}{
		{"*.example.com does not match example.com", "*.example.com", "example.com", false},
		{"*.example.com matches a subdomain", "*.example.com", "www.example.com", true},
		{"*.example.com does not match a longer label", "*.example.com", "wwwexample.com", false},
		{".example.com matches example.com", ".example.com", "example.com", true},
		{".example.com matches a subdomain", ".example.com", "a.b.example.com", true},
		{".example.com does not match notexample.com", ".example.com", "notexample.com", false},
		{"www.example.* does not match www.example", "www.example.*", "www.example", false},
		{"www.example.* does not match www.examples.com", "www.example.*", "www.examples.com", false},
		{"www.example.* matches any tail", "www.example.*", "www.example.a.b.c", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRouter(t, vhost("default", []string{"80"}, "default.test"), vhost("wild", []string{"80"}, tc.server))
			want := "default"
			if tc.match {
				want = "wild"
			}
			if got := id(r.Select(0, wildcardIP, []byte(tc.host))); got != want {
				t.Errorf("Select(%q) = %q, want %q", tc.host, got, want)
			}
		})
	}
}

func TestRegexNameCompiledFromName(t *testing.T) {
	tests := []struct {
		name, regex, host string
		match             bool
	}{
		{"lower-case regex on a lower-cased host", `^api\d+\.test$`, "API7.TEST", true},
		{"regex with upper case is case-insensitive", `^API\d+\.test$`, "api7.test", true},
		{"lower-case regex stays case-sensitive in its own right", `^api\d+\.test$`, "apx7.test", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := vhost("re", []string{"80"})
			s.Names = []conf.ServerName{{Pos: pos(), Kind: conf.NameRegex, Name: tc.regex}}
			r := mustRouter(t, vhost("default", []string{"80"}, "default.test"), s)
			if got := id(r.Select(0, wildcardIP, []byte(tc.host))) == "re"; got != tc.match {
				t.Errorf("Select(%q) matched the regex = %v, want %v", tc.host, got, tc.match)
			}
		})
	}
}
