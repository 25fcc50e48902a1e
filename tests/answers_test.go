package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// answersConfig covers what gw answers by itself: return in its forms,
// add_header with and without always, error_page, server_tokens.
const answersConfig = `
events {}
http {
    server_tokens off;
    server {
        listen %[1]s;
        server_name answers.test;
        add_header X-Server-Level yes;
        error_page 404 /404-page;
        error_page 403 =200 @named;

        location = /text { return 200 "hello $host $arg_who\n"; }
        location = /empty-created { return 201; }
        location = /redirect-relative { return 301 /elsewhere?x=1; }
        location = /redirect-absolute { return https://example.org/$arg_to; }
        location = /redirect-302 { return 302 http://example.org/; }
        location = /teapot { return 418; }
        location = /forbidden { return 403; }
        location = /missing { return 404; }
        location = /404-page { return 200 "custom not found page"; }
        location @named { return 200 "named page"; }
        location = /close { return 444; }
        location = /headers {
            add_header X-Only-Ok ok;
            add_header X-Always "always $status" always;
            add_header X-Empty "$arg_nothing";
            return 200 "with headers";
        }
        location = /headers-error {
            add_header X-Only-Ok ok;
            add_header X-Always yes always;
            return 500;
        }
        location = /tokens-on {
            server_tokens on;
            return 500;
        }
        location /no-return { }
    }
}
`

func TestReturnAndHeaders(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(answersConfig, a), a)
	port := strings.TrimPrefix(a, "127.0.0.1:")

	cases := []struct {
		name, uri   string
		status      int
		body        string // exact body, or a substring when it starts with "~"
		header, val string // one header to check ("" for none); val "-" means absent
	}{
		{"return text with variables", "/text?who=me", 200, "hello answers.test me\n", "Content-Type", "text/plain"},
		{"return code without text", "/empty-created", 201, "", "", ""},
		{"relative redirect made absolute with the local port", "/redirect-relative", 301, "~<h1>301 Moved Permanently</h1>", "Location", "http://answers.test:" + port + "/elsewhere?x=1"},
		{"bare URL is a 302", "/redirect-absolute?to=abc", 302, "~302 Found", "Location", "https://example.org/abc"},
		{"explicit 302", "/redirect-302", 302, "~302 Found", "Location", "http://example.org/"},
		{"error code gets the built-in page", "/teapot", 418, "~<center><h1>418 I'm a teapot</h1></center>", "Content-Type", "text/html"},
		{"server_tokens off signs the page without version", "/teapot", 418, "~<hr><center>gw</center>", "Server", "gw"},
		{"server_tokens on in a location", "/tokens-on", 500, "~<hr><center>gw/", "", ""},
		{"error_page to a location keeps the status", "/missing", 404, "custom not found page", "", ""},
		{"error_page with =200 to a named location", "/forbidden", 200, "named page", "", ""},
		{"unmatched URI gives 404 through error_page", "/nothing/here", 404, "custom not found page", "", ""},
		{"location without return is a 404 (gw serves no files)", "/no-return/x", 404, "custom not found page", "", ""},
		{"add_header on 200", "/headers", 200, "with headers", "X-Only-Ok", "ok"},
		{"add_header always evaluates variables", "/headers", 200, "with headers", "X-Always", "always 200"},
		{"add_header with an empty value adds nothing", "/headers", 200, "with headers", "X-Empty", "-"},
		{"inner add_header replaces the server-level ones", "/headers", 200, "with headers", "X-Server-Level", "-"},
		{"server-level add_header is inherited", "/text", 200, "~hello", "X-Server-Level", "yes"},
		{"add_header skips 500 without always", "/headers-error", 500, "~500 Internal Server Error", "X-Only-Ok", "-"},
		{"add_header always on 500", "/headers-error", 500, "~500 Internal Server Error", "X-Always", "yes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, a, "answers.test", c.uri)
			if r.status != c.status {
				t.Fatalf("%s: status %d, want %d (body %q)", c.uri, r.status, c.status, r.body)
			}
			if want, ok := strings.CutPrefix(c.body, "~"); ok {
				if !strings.Contains(r.body, want) {
					t.Fatalf("%s: body %q does not contain %q", c.uri, r.body, want)
				}
			} else if r.body != c.body {
				t.Fatalf("%s: body %q, want %q", c.uri, r.body, c.body)
			}
			if c.header == "" {
				return
			}
			got, present := r.header.Get(c.header), len(r.header.Values(c.header)) > 0
			switch {
			case c.val == "-" && present:
				t.Fatalf("%s: header %s = %q, want it absent", c.uri, c.header, got)
			case c.val != "-" && !strings.HasPrefix(got, c.val):
				t.Fatalf("%s: header %s = %q, want %q", c.uri, c.header, got, c.val)
			}
		})
	}
}

func TestReturn444ClosesWithoutAnswer(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(answersConfig, a), a)
	if line := rawRequest(t, a, "GET /close HTTP/1.1\r\nHost: answers.test\r\n\r\n"); line != "" {
		t.Fatalf("return 444 answered %q, want the connection closed with nothing sent", line)
	}
}

func TestMalformedRequestsGet4xx(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(answersConfig, a), a)
	cases := []struct{ name, raw, want string }{
		{"garbage request line", "GARBAGE\r\n\r\n", "HTTP/1.1 400"},
		{"HTTP/1.1 without Host", "GET /text HTTP/1.1\r\n\r\n", "HTTP/1.1 400"},
		{"header without colon", "GET /text HTTP/1.1\r\nHost: a\r\nBroken header\r\n\r\n", "HTTP/1.1 400"},
		{"conflicting Content-Length", "POST /text HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "HTTP/1.1 400"},
		{"header too large", "GET /text HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("x", 64<<10) + "\r\n\r\n", "HTTP/1.1 431"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if line := rawRequest(t, a, c.raw); !strings.HasPrefix(line, c.want) {
				t.Fatalf("got status line %q, want %q", line, c.want)
			}
		})
	}
	// gw is still serving after all of that.
	if r := get(t, a, "answers.test", "/text"); r.status != 200 {
		t.Fatalf("after malformed requests: status %d", r.status)
	}
}

func TestHTTP10WithoutHostUsesDefaultServer(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(answersConfig, a), a)
	if line := rawRequest(t, a, "GET /text HTTP/1.0\r\n\r\n"); !strings.HasPrefix(line, "HTTP/1.1 200") && !strings.HasPrefix(line, "HTTP/1.0 200") {
		t.Fatalf("HTTP/1.0 request without Host: %q", line)
	}
}

// errorPageProxyConfig sends a dead upstream's 502 through error_page to
// locations that proxy to a live one: %[1]s is gw, %[2]s the dead
// address, %[3]s gw-demo.
const errorPageProxyConfig = `
events {}
http {
    server {
        listen %[1]s;
        server_name ep.test;
        location = /status { proxy_pass http://%[2]s; error_page 502 = @fallback; }
        location /named/ { proxy_pass http://%[2]s; error_page 502 @fallback; }
        location @fallback { proxy_pass http://%[3]s; }
        location /uri/ { proxy_pass http://%[2]s; error_page 502 /echo?from=uri; }
        location /ok/ { proxy_pass http://%[2]s; error_page 502 =200 /echo?from=ok; }
        location = /echo { proxy_pass http://%[3]s; }
        location /twice/ { proxy_pass http://%[2]s; error_page 502 = @dead; }
        location @dead { proxy_pass http://%[2]s; }
    }
}
`

// An error_page whose target proxies is nginx's internal redirect: the
// target's upstream answers. To a URI the request becomes a GET of that
// URI; to a named location it goes as it came. "=" takes the target's
// status, "=200" sets 200, no "=" keeps the error's; an error of the
// target itself gets the built-in page, and so does a request with a body,
// which gw does not send a second time.
func TestErrorPageProxies(t *testing.T) {
	a, dead := addr(freePort(t)), addr(freePort(t))
	demo := startDemo(t, "fallback")
	startGW(t, fmt.Sprintf(errorPageProxyConfig, a, dead, demo), a)

	post := func(uri string) response {
		req, err := http.NewRequest("POST", "http://"+a+uri, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "ep.test"
		return do(t, req)
	}
	postBody := func(uri string) response {
		req, err := http.NewRequest("POST", "http://"+a+uri, strings.NewReader("body"))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "ep.test"
		return do(t, req)
	}
	cases := []struct {
		name   string
		r      response
		status int
		body   []string
	}{
		{"= @named keeps the target's status", get(t, a, "ep.test", "/status?code=201"), 201, []string{"server: fallback", "status: 201"}},
		{"@named without = keeps the error's status and the URI", get(t, a, "ep.test", "/named/x?y=1"), 502, []string{"server: fallback", "uri: /named/x?y=1"}},
		{"a URI target is a GET of that URI", post("/uri/x"), 502, []string{"method: GET", "uri: /echo?from=uri"}},
		{"=200 sets the status", get(t, a, "ep.test", "/ok/x"), 200, []string{"server: fallback", "uri: /echo?from=ok"}},
		{"an error of the target gets the built-in page", get(t, a, "ep.test", "/twice/x"), 502, []string{"<center><h1>502 Bad Gateway</h1></center>"}},
		{"a request with a body is not proxied twice", postBody("/uri/x"), 502, []string{"<center><h1>502 Bad Gateway</h1></center>"}},
	}
	for _, c := range cases {
		if c.r.status != c.status {
			t.Errorf("%s: status %d, want %d (body %q)", c.name, c.r.status, c.status, c.r.body)
		}
		for _, want := range c.body {
			if !strings.Contains(c.r.body, want) {
				t.Errorf("%s: body %q does not contain %q", c.name, c.r.body, want)
			}
		}
	}
}
