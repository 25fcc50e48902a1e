package tests

import (
	"fmt"
	"net/http"
	"testing"
)

// aclConfig is the README's "Routing like HAProxy ACLs" example with the
// test's addresses: %[1]s the listener, then the backends app, static,
// api, canary, writers, beta, and legacy's dead server and its backup.
const aclConfig = `events {}
http {
    upstream app     { server %[2]s; }
    upstream static  { server %[3]s; }
    upstream api     { server %[4]s; }
    upstream canary  { server %[5]s; }
    upstream writers { server %[6]s; }
    upstream beta    { server %[7]s; }
    upstream legacy  { server %[8]s; server %[9]s backup; }

    # use_backend rules are tried in order; each map falls through to the next one's
    # variable, so the first rule that matches names the upstream.
    map $host $backend {                     # acl host_api hdr_reg(host) -i ^api\.
        ~*^api\.         api;
        default          $by_canary;
    }
    map $http_x_canary $by_canary {          # acl canary hdr(x-canary) -m str 1
        1                canary;
        default          $by_method;
    }
    map $request_method $by_method {         # acl is_post method POST
        POST             writers;
        default          $by_cookie;
    }
    map $cookie_beta $by_cookie {            # acl beta req.cook(beta) -m found
        ""               app;                # default_backend app
        default          beta;
    }

    server {
        listen %[1]s;
        location ^~ /static/          { proxy_pass http://static; }   # path_beg /static/
        location ~* \.(jpg|png)$      { proxy_pass http://static; }   # path_end -i .jpg .png
        location ^~ /legacy/          { proxy_pass http://legacy; }   # nbsrv(legacy) lt 1: backup
        location /                    { proxy_pass http://$backend; }
    }
}
`

// TestRoutingLikeHAProxyACLs: each HAProxy ACL the README translates
// routes a request where HAProxy's use_backend rules, tried in order,
// would send it.
func TestRoutingLikeHAProxyACLs(t *testing.T) {
	names := []string{"app", "static", "api", "canary", "writers", "beta", "spare"}
	backends := make([]any, 0, len(names)+2)
	a := addr(freePort(t))
	backends = append(backends, a)
	for _, n := range names[:6] {
		backends = append(backends, startDemo(t, n))
	}
	backends = append(backends, closedPort(t), startDemo(t, "spare"))
	startGW(t, fmt.Sprintf(aclConfig, backends...), a)

	for _, c := range []struct {
		acl, method, uri, host string
		header                 [2]string
		want                   string
	}{
		{acl: "default_backend app", method: "GET", uri: "/", want: "app"},
		{acl: "path_beg /static/", method: "GET", uri: "/static/site.css", want: "static"},
		{acl: "path_end -i .jpg .png", method: "GET", uri: "/img/logo.JPG", want: "static"},
		{acl: "hdr_reg(host) -i ^api\\.", method: "GET", uri: "/v1/users", host: "API.example.com", want: "api"},
		{acl: "hdr(x-canary) -m str 1", method: "GET", uri: "/", header: [2]string{"X-Canary", "1"}, want: "canary"},
		{acl: "hdr(x-canary) other value", method: "GET", uri: "/", header: [2]string{"X-Canary", "0"}, want: "app"},
		{acl: "method POST", method: "POST", uri: "/form", want: "writers"},
		{acl: "req.cook(beta) -m found", method: "GET", uri: "/", header: [2]string{"Cookie", "beta=1"}, want: "beta"},
		{acl: "nbsrv(legacy) lt 1: the backup serves", method: "GET", uri: "/legacy/page", want: "spare"},
		{acl: "rules in order: path_beg before method", method: "POST", uri: "/static/upload", want: "static"},
		{acl: "rules in order: host before canary", method: "GET", uri: "/", host: "api.example.com", header: [2]string{"X-Canary", "1"}, want: "api"},
		{acl: "rules in order: method before cookie", method: "POST", uri: "/", header: [2]string{"Cookie", "beta=1"}, want: "writers"},
	} {
		t.Run(c.acl, func(t *testing.T) {
			req, err := http.NewRequest(c.method, "http://"+a+c.uri, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.host != "" {
				req.Host = c.host
			}
			if c.header[0] != "" {
				req.Header.Set(c.header[0], c.header[1])
			}
			r := do(t, req)
			if r.status != 200 || backendOf(r) != c.want {
				t.Errorf("%s %s: %d from %q, want %s", c.method, c.uri, r.status, backendOf(r), c.want)
			}
		})
	}
}
