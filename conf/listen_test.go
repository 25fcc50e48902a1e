package conf

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
)

// TestListenSharing covers nginx's rules for listens that share a socket
// address (ngx_http_add_addresses), which conf alone applies: the same
// socket spelt two ways (":080" and ":80", an IPv4-mapped address, a host
// name) is one address, named as nginx prints it.
func TestListenSharing(t *testing.T) {
	conftest.Hosts(t, map[string][]string{"localhost": {"127.0.0.1"}})
	runErrorCases(t, []errorCase{
		{"one server listening twice on an address",
			"server { listen 127.0.0.1:80; »listen 127.0.0.1:80; }", "a duplicate listen 127.0.0.1:80"},
		{"one server listening on :080 and :80",
			"server { listen :080; »listen :80; }", "a duplicate listen 0.0.0.0:80"},
		{"an IPv4-mapped address is its IPv4 address",
			"server { listen 127.0.0.1:80; »listen [::ffff:127.0.0.1]:80; }", "a duplicate listen 127.0.0.1:80"},
		{"a host name naming an address already listened on",
			"server { listen 127.0.0.1:8080; »listen localhost:8080; }", "a duplicate listen 127.0.0.1:8080"},
		{"two default servers on one address",
			"server { listen 80 default_server; }\nserver { »listen 80 default_server; }",
			"a duplicate default server for 0.0.0.0:80"},
		{"default servers on 080 and 80",
			"server { listen 080 default_server; }\nserver { »listen 80 default; }",
			"a duplicate default server for 0.0.0.0:80"},
		{"listen options twice, even the same ones",
			"server { listen 80 reuseport; }\nserver { »listen 80 reuseport; }",
			"duplicate listen options for 0.0.0.0:80"},
		{"listen options on 0080 and 80",
			"server { listen 127.0.0.1:0080 backlog=10; }\nserver { »listen 127.0.0.1:80 reuseport; }",
			"duplicate listen options for 127.0.0.1:80"},
		{"options are checked before default_server, as in nginx",
			"server { listen 80 default_server reuseport; }\nserver { »listen 80 default_server reuseport; }",
			"duplicate listen options for 0.0.0.0:80"},
		{"unresolved host name",
			"server { listen »nosuchhost.invalid:80; }",
			`host not found in "nosuchhost.invalid:80" of the "listen" directive`},

		{"default servers on different addresses of one port",
			"server { listen 80 default_server; }\nserver { listen 127.0.0.1:80 default_server; }", ""},
		{"options once and plain listens on one address",
			"server { listen 80; }\nserver { listen 80 backlog=10; }\nserver { listen 080; }", ""},
		{"a server listening on two addresses of one port",
			"server { listen 80; listen 127.0.0.1:80; }", ""},
		{"the IPv4 and IPv6 wildcards are two sockets",
			"server { listen 80 default_server; listen [::]:80 default_server; }", ""},
	})
}

func TestServerNameChecks(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"an empty label", "server { listen 80; server_name a.test »ex..ample.com; }",
			`invalid server name or wildcard "ex..ample.com" on 0.0.0.0:80`},
		{"an empty label in a wildcard", "server { listen 127.0.0.1:8080; server_name »*.a..b; }",
			`invalid server name or wildcard "*.a..b" on 127.0.0.1:8080`},
		{"the same name on two addresses", "server { listen 80; server_name a.test; }\nserver { listen 81; server_name a.test; }", ""},
	})
	c := buildText(t, `events {} http {
		server { listen 80; server_name a.test .b.test *.c.test www.*; }
		server { listen 80; server_name A.TEST b.test .c.test www.* ~^a; }
		server { listen 80; server_name ~^a d.test; }
	}`)
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.Msg+" @"+strconv.Itoa(w.Pos.Line)+":"+strconv.Itoa(w.Pos.Col))
	}
	want := []string{
		`conflicting server name "a.test" on 0.0.0.0:80, ignored @3:35`,
		`conflicting server name "b.test" on 0.0.0.0:80, ignored @3:42`,
		`conflicting server name ".c.test" on 0.0.0.0:80, ignored @3:49`,
		`conflicting server name "www.*" on 0.0.0.0:80, ignored @3:57`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// $server_name is the first name as written, the way nginx gives it: a
// regex keeps its "~" and its case, ".example.com" loses its dot, a
// wildcard keeps its "*", other names are lower-cased.
func TestServerNameVariable(t *testing.T) {
	c := buildText(t, `events {} http {
		server { listen 80; server_name Www.Example.COM b.test; }
		server { listen 80; server_name .dot.example.com; }
		server { listen 80; server_name *.wc.example.com; }
		server { listen 80; server_name wc2.example.*; }
		server { listen 80; server_name ~^EXAMPLE\.COM$; }
		server { listen 80; }
	}`)
	want := []string{"www.example.com", "dot.example.com", "*.wc.example.com", "wc2.example.*", `~^EXAMPLE\.COM$`, ""}
	for i, s := range c.HTTP.Servers {
		if s.Name != want[i] {
			t.Errorf("server %d: $server_name %q, want %q", i, s.Name, want[i])
		}
	}
}

// A named group of a server_name regex is a variable everywhere, even
// before the regex is written; other names stay unknown.
func TestServerNameCaptureVariables(t *testing.T) {
	buildText(t, `events {} http {
		server { listen 80; server_name a.test; return 200 "$sub"; }
		server { listen 80; server_name ~^(?<sub>.+)\.example\.com$; add_header X-Sub $sub; proxy_set_header X-Sub $SUB; }
	}`)
	runErrorCases(t, []errorCase{
		{"no such group", `server { listen 80; server_name ~^(?<sub>.+)\.b$; return 200 »"$other"; }`, `unknown "other" variable`},
	})
}
