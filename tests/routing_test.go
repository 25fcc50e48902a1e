package tests

import (
	"fmt"
	"testing"
)

// routingConfig exercises each of nginx's server and location selection
// rules; every block answers with its own name so the tests can tell which
// one was chosen.
const routingConfig = `
events {}
http {
    server {
        listen %[1]s;
        server_name first.test;
        location / { return 200 "first"; }
    }
    server {
        listen %[1]s default_server;
        server_name default.test;
        location / { return 200 "default"; }
    }
    server {
        listen %[1]s;
        server_name exact.example.com *.example.com;
        location / { return 200 "exact-or-star:$host"; }
    }
    server {
        listen %[1]s;
        server_name *.deep.example.com;
        location / { return 200 "longer-star"; }
    }
    server {
        listen %[1]s;
        server_name www.example.*;
        location / { return 200 "suffix-star"; }
    }
    server {
        listen %[1]s;
        server_name ~^api\d+\.example\.org$ ~^api.*$;
        location / { return 200 "regex"; }
    }
    server {
        listen %[1]s;
        server_name .dot.test;
        location / { return 200 "dot-wildcard"; }
    }
    server {
        listen %[1]s;
        server_name moved.test;
        return 301 https://new.test$request_uri;
        location / { return 200 "not reached"; }
    }
    server {
        listen %[2]s;
        server_name other-port.test;
        location / { return 200 "second-port-first"; }
    }
    server {
        listen %[1]s;
        server_name loc.test;
        location = / { return 200 "exact-root"; }
        location / { return 200 "prefix-root"; }
        location /docs/ { return 200 "prefix-docs"; }
        location /docs/api/ { return 200 "prefix-docs-api"; }
        location ^~ /static/ { return 200 "stop-static"; }
        location ~ \.php$ { return 200 "regex-php"; }
        location ~* \.(JPG|png)$ { return 200 "regex-image-ci"; }
        location ~ ^/docs/.*\.php$ { return 200 "regex-docs-php-second"; }
        location =/exact { return 200 "exact-glued"; }
        location /outer/ {
            location /outer/inner/ { return 200 "nested-prefix"; }
            location ~ \.txt$ { return 200 "nested-regex"; }
            return 200 "outer";
        }
        location ~ \.txt$ { return 200 "outer-regex-txt"; }
        location @named { return 200 "named"; }
    }
}
`

func TestServerAndLocationSelection(t *testing.T) {
	a, b := addr(freePort(t)), addr(freePort(t))
	startGW(t, fmt.Sprintf(routingConfig, a, b), a, b)

	cases := []struct {
		name, addr, host, uri, want string
	}{
		{"exact server name", a, "first.test", "/", "first"},
		{"host is case-insensitive", a, "FIRST.Test", "/", "first"},
		{"host port is ignored", a, "first.test:8080", "/", "first"},
		{"trailing dot in host", a, "first.test.", "/", "first"},
		{"unknown host goes to default_server", a, "nobody.test", "/", "default"},
		{"address as host goes to default_server", a, "", "/", "default"},
		{"exact name beats leading wildcard", a, "exact.example.com", "/", "exact-or-star:exact.example.com"},
		{"leading wildcard", a, "shop.example.com", "/", "exact-or-star:shop.example.com"},
		{"longest leading wildcard wins", a, "a.deep.example.com", "/", "longer-star"},
		{"leading wildcard beats trailing wildcard", a, "www.example.com", "/", "exact-or-star:www.example.com"},
		{"trailing wildcard", a, "www.example.net", "/", "suffix-star"},
		{"regex server name", a, "api7.example.org", "/", "regex"},
		{"second regex in order", a, "api-x.test", "/", "regex"},
		{"dot wildcard matches the bare name", a, "dot.test", "/", "dot-wildcard"},
		{"dot wildcard matches subdomains", a, "x.dot.test", "/", "dot-wildcard"},
		{"first server is the default of the other port", b, "nobody.test", "/", "second-port-first"},
		{"names of one port do not leak to another", b, "first.test", "/", "second-port-first"},

		{"exact location wins", a, "loc.test", "/", "exact-root"},
		{"glued exact modifier", a, "loc.test", "/exact", "exact-glued"},
		{"catch-all prefix", a, "loc.test", "/nothing", "prefix-root"},
		{"longest prefix", a, "loc.test", "/docs/api/x", "prefix-docs-api"},
		{"shorter prefix", a, "loc.test", "/docs/guide", "prefix-docs"},
		{"regex beats prefix", a, "loc.test", "/docs/x.php", "regex-php"},
		{"first regex in file order wins", a, "loc.test", "/docs/api/y.php", "regex-php"},
		{"caret-tilde stops regex search", a, "loc.test", "/static/x.php", "stop-static"},
		{"case-insensitive regex", a, "loc.test", "/img/a.jpg", "regex-image-ci"},
		{"case-sensitive regex does not match other case", a, "loc.test", "/a.PHP", "prefix-root"},
		{"nested prefix", a, "loc.test", "/outer/inner/x", "nested-prefix"},
		{"nested regex before outer regex", a, "loc.test", "/outer/a.txt", "nested-regex"},
		{"outer location itself", a, "loc.test", "/outer/z", "outer"},
		{"outer regex outside the nesting", a, "loc.test", "/a.txt", "outer-regex-txt"},
		{"named location is never matched by a URI", a, "loc.test", "/@named", "prefix-root"},
		{"path is normalised before matching", a, "loc.test", "/x/../docs/api/", "prefix-docs-api"},
		{"percent-encoding is decoded before matching", a, "loc.test", "/%64ocs/api/", "prefix-docs-api"},
	}
	if r := get(t, a, "moved.test", "/x?y=1"); r.status != 301 || r.header.Get("Location") != "https://new.test/x?y=1" {
		t.Fatalf("server-level return before locations: %d %q", r.status, r.header.Get("Location"))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, c.addr, c.host, c.uri)
			if r.status != 200 || r.body != c.want {
				t.Fatalf("Host %q %s: got %d %q, want 200 %q", c.host, c.uri, r.status, r.body, c.want)
			}
		})
	}
}
