package proxy

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/transport"
)

// TestRequestShaping: proxy_method, proxy_pass_request_headers,
// proxy_pass_request_body and proxy_set_body change what the upstream
// receives of a client's POST.
func TestRequestShaping(t *testing.T) {
	be := pxStartBackend(t, nil)
	for _, tc := range []struct {
		name, conf   string
		method, body string
		headerHas    []string
		headerLacks  []string
	}{
		{"defaults", "", "POST", "hello", []string{"X-Client: yes", "Content-Length: 5", "Host: " + be.addr}, nil},
		{"proxy_method", "proxy_method PUT;", "PUT", "hello", []string{"X-Client: yes"}, nil},
		{"proxy_method with a variable", "proxy_method $http_x_method;", "PATCH", "hello", nil, nil},
		{"proxy_pass_request_headers off", "proxy_pass_request_headers off; proxy_set_header X-Set set;", "POST", "hello",
			[]string{"X-Set: set", "Host: " + be.addr, "Content-Length: 5"}, []string{"X-Client", "X-Method", "User-Agent"}},
		{"proxy_pass_request_body off", "proxy_pass_request_body off;", "POST", "",
			[]string{"X-Client: yes", "Content-Length: 0"}, []string{"Content-Length: 5"}},
		{"proxy_set_body", "proxy_set_body 'uri=$uri';", "POST", "uri=/p",
			[]string{"X-Client: yes", "Content-Length: 6"}, nil},
		{"proxy_set_body beats proxy_pass_request_body off", "proxy_pass_request_body off; proxy_set_body x;", "POST", "x",
			[]string{"Content-Length: 1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := pxBuild(t, transport.NewPools(), "/", `http { server { location / { proxy_pass http://%s; %s } } }`, be.addr, tc.conf)
			g := pxServe(t, s.p)
			// Two requests on one client connection: a dropped body must
			// still be read off it.
			c := g.client(false)
			for i := 0; i < 2; i++ {
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				req.SetRequestURI("http://gw/p")
				req.Header.SetMethod("POST")
				req.Header.Set("X-Client", "yes")
				req.Header.Set("X-Method", "PATCH")
				req.SetBodyString("hello")
				if err := c.Do(req, resp); err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode() != 200 {
					t.Fatalf("status %d\n%s", resp.StatusCode(), s.log)
				}
				fasthttp.ReleaseRequest(req)
				fasthttp.ReleaseResponse(resp)
				seen := be.last(t)
				if seen.method != tc.method || string(seen.body) != tc.body {
					t.Errorf("upstream got %s with body %q, want %s %q", seen.method, seen.body, tc.method, tc.body)
				}
				for _, h := range tc.headerHas {
					if !strings.Contains(seen.header, h+"\r\n") {
						t.Errorf("header lacks %q:\n%s", h, seen.header)
					}
				}
				for _, h := range tc.headerLacks {
					if strings.Contains(seen.header, h) {
						t.Errorf("header has %q:\n%s", h, seen.header)
					}
				}
			}
		})
	}
}

// TestDroppedBodyTooLarge: the client's body is still read under
// proxy_pass_request_body off, so client_max_body_size still applies.
func TestDroppedBodyTooLarge(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, transport.NewPools(), "/", `http { server { client_max_body_size 4; location / { proxy_pass http://%s; proxy_pass_request_body off; } } }`, be.addr)
	g := pxServe(t, s.p)
	head, _ := g.raw(t, "POST / HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n123456789\r\n0\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 413") {
		t.Errorf("response %q, want 413", head)
	}
	if be.count() != 0 {
		t.Errorf("the upstream saw %d requests", be.count())
	}
}
