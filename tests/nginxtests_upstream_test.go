package tests

import (
	"fmt"
	"strings"
	"testing"
)

// ngxUpstreamConfig: %[1]s is the front, %[2]s..%[4]s three ports of one
// server block of the same gw answering 204 with X-Port (upstream_hash.t's
// backends), %[5]s and %[6]s proxy_next_upstream.t's two backends, %[7]s
// a port that drops every request (return 444).
const ngxUpstreamConfig = `
events {}
http {
    upstream u { server %[2]s; server %[3]s; }
    upstream lc { least_conn; server %[2]s; server %[3]s; }
    upstream h { hash $arg_a; server %[2]s; server %[3]s; server %[4]s; }
    upstream c { hash $arg_a consistent; server %[2]s; server %[3]s; server %[4]s; }
    upstream c2 { hash $arg_a consistent; server %[2]s; server %[4]s; }
    upstream bad { hash $arg_a; server %[2]s; server %[7]s; }
    upstream cbad { hash $arg_a consistent; server %[2]s; server %[7]s; }
    upstream one { random; server %[2]s; }
    upstream two { random two; server %[2]s; }

    upstream nu { server %[5]s; server %[6]s; }
    upstream nu2 { server %[5]s; server %[6]s; }
    upstream nu3 { server %[5]s; server %[6]s down; }
    upstream tries { server %[5]s; server %[5]s; server %[5]s; }
    upstream triesb { server %[5]s; server %[5]s backup; server %[5]s backup; }

    server {
        listen %[1]s;
        server_name localhost;

        location /rr { proxy_pass http://u; }
        location /lc { proxy_pass http://lc; }
        location /h { proxy_pass http://h; }
        location /c { proxy_pass http://c; }
        location /c2 { proxy_pass http://c2; }
        location /bad { proxy_pass http://bad; }
        location /cbad { proxy_pass http://cbad; }
        location /one { proxy_pass http://one; }
        location /two { proxy_pass http://two; }

        location / {
            proxy_pass http://nu;
            proxy_next_upstream http_500 http_404;
        }
        location /all/ {
            proxy_pass http://nu2;
            proxy_next_upstream http_500 http_404;
            error_page 404 /all/404;
            proxy_intercept_errors on;
        }
        location /all/404 { return 200 "$upstream_addr\n"; }
        location /down { proxy_pass http://nu3; proxy_next_upstream http_404; }

        location /tries {
            proxy_pass http://tries/all/;
            proxy_next_upstream http_404;
            proxy_next_upstream_tries 2;
            proxy_intercept_errors on;
            error_page 404 /404;
        }
        location /tries/backup {
            proxy_pass http://triesb/all/;
            proxy_next_upstream http_404;
            proxy_next_upstream_tries 2;
            proxy_intercept_errors on;
            error_page 404 /404;
        }
        location = /404 { return 200 "x${upstream_status}x"; }
    }

    server {
        listen %[2]s;
        listen %[3]s;
        listen %[4]s;
        server_name localhost;
        location / {
            add_header X-Port $server_port always;
            return 204;
        }
    }
    server {
        listen %[5]s;
        server_name localhost;
        location / { return 404; }
        location /ok { return 200 "AND-THIS\n"; }
        location /500 { return 500; }
        location /all/ { return 404; }
    }
    server {
        listen %[6]s;
        server_name localhost;
        location / { return 200 "TEST-OK-IF-YOU-SEE-THIS\n"; }
        location /all/ { return 404; }
    }
    server {
        listen %[7]s;
        server_name localhost;
        return 444;
    }
}
`

// TestNginxUpstream restates nginx-tests upstream.t, upstream_least_conn.t,
// upstream_hash.t, upstream_random.t, proxy_next_upstream.t and
// proxy_next_upstream_tries.t, where they need no slow or scripted
// backend.
func TestNginxUpstream(t *testing.T) {
	var ports [7]string
	var addrs [7]any
	for i := range ports {
		a := addr(freePort(t))
		ports[i], addrs[i] = a[strings.LastIndexByte(a, ':')+1:], a
	}
	front, n1, n2 := addrs[0].(string), addrs[4].(string), addrs[5].(string)
	startGW(t, fmt.Sprintf(ngxUpstreamConfig, addrs[:]...), front)
	p1, p2, p3 := ports[1], ports[2], ports[3]

	// iter is upstream_hash.t's: the peer of each of n requests with its
	// own key.
	iter := func(uri string, n int) []string {
		var got []string
		for i := 1; i <= n; i++ {
			got = append(got, headerValue(exchange(t, front, ngxRequest(fmt.Sprintf("GET %s/?a=%d", uri, i))).head, "X-Port"))
		}
		return got
	}
	t.Run("upstream.t: balanced", func(t *testing.T) {
		if got, want := tally(t, front, "/rr", "X-Port", 30, p1, p2), p1+": 15, "+p2+": 15"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("upstream_least_conn.t: balanced", func(t *testing.T) {
		if got, want := tally(t, front, "/lc", "X-Port", 10, p1, p2), p1+": 5, "+p2+": 5"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	for _, c := range []struct{ source, uri string }{
		{"upstream_hash.t: stable hash", "/h?a=1"},
		{"upstream_hash.t: stable hash - consistent", "/c?a=1"},
	} {
		t.Run(c.source, func(t *testing.T) {
			got := tally(t, front, c.uri, "X-Port", 10, p1, p2, p3)
			if !regexpMatch(`^\d+: 10$`, got) {
				t.Errorf("got %q, want one peer for all 10", got)
			}
		})
	}
	for _, c := range []struct{ source, uri string }{
		{"upstream_hash.t: empty key (round robin)", "/h?a="},
		{"upstream_hash.t: empty key - consistent", "/c?a="},
	} {
		t.Run(c.source, func(t *testing.T) {
			if got, want := tally(t, front, c.uri, "X-Port", 6, p1, p2, p3), p1+": 2, "+p2+": 2, "+p3+": 2"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	t.Run("upstream_hash.t: consistent", func(t *testing.T) {
		// Removing a peer moves only the keys it had.
		with, without := iter("/c", 20), iter("/c2", 20)
		for i := range with {
			if with[i] != without[i] && with[i] != p2 {
				t.Errorf("key %d moved from %s to %s though its peer stayed", i+1, with[i], without[i])
			}
		}
	})
	for _, uri := range []string{"/bad", "/cbad"} {
		name := map[string]string{"/bad": "upstream_hash.t: all hashed peers - bad", "/cbad": "upstream_hash.t: all hashed peers - bad consistent"}[uri]
		t.Run(name, func(t *testing.T) {
			for i, p := range iter(uri, 20) {
				if p != p1 {
					t.Errorf("key %d answered by %q, want %s", i+1, p, p1)
				}
			}
		})
	}

	runNgxCases(t, front, []ngxCase{
		{source: "upstream_random.t: single one", req: "GET /one", status: 204, header: map[string]string{"X-Port": p1}},
		{source: "upstream_random.t: single two", req: "GET /two", status: 204, header: map[string]string{"X-Port": p1}},

		{source: "proxy_next_upstream.t: proxy request", req: "GET /", status: 200, body: []string{"SEE-THIS"}},
		{source: "proxy_next_upstream.t: second request", req: "GET /", status: 200, body: []string{"SEE-THIS"}},
	})
	t.Run("proxy_next_upstream.t: not down", func(t *testing.T) {
		// A retry on http_404 is no failure: one of two requests for /ok
		// still reaches the first backend.
		b := exchange(t, front, ngxRequest("GET /ok")).body + exchange(t, front, ngxRequest("GET /ok")).body
		if !strings.Contains(b, "AND-THIS") {
			t.Fatalf("/ok never reached the first backend: %q", b)
		}
	})
	runNgxCases(t, front, []ngxCase{
		{source: "proxy_next_upstream.t: request 500", req: "GET /500", status: 200, body: []string{"SEE-THIS"}},
		{source: "proxy_next_upstream.t: request 500 second", req: "GET /500", status: 200, body: []string{"SEE-THIS"}},
		{source: "proxy_next_upstream.t: all tried once", req: "GET /all/rr", status: 404, body: []string{n1, n2}},
		{source: "proxy_next_upstream.t: all tried with down", req: "GET /down/", status: 404, body: []string{"Not Found"}},

		{source: "proxy_next_upstream_tries.t: tries", req: "GET /tries", status: 404, body: []string{"=x404, 404x"}},
		{source: "proxy_next_upstream_tries.t: tries backup", req: "GET /tries/backup", status: 404, body: []string{"=x404, 404x"}},
	})
	t.Run("proxy_next_upstream.t: down after 500", func(t *testing.T) {
		// The 500s above marked the first backend failed (max_fails=1).
		for range 2 {
			if r := exchange(t, front, ngxRequest("GET /ok")); strings.Contains(r.body, "AND-THIS") {
				t.Fatalf("/ok reached the failed backend: %q", r.body)
			}
		}
	})
}
