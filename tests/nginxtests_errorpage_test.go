package tests

import (
	"fmt"
	"strings"
	"testing"
)

// ngxErrorPageConfig is nginx-tests http_error_page.t's server, less the
// locations that need static files; %[2]s is the backend
// /auto/ proxies to (never reached: the request is redirected first).
const ngxErrorPageConfig = `
events {}
http {
    server {
        listen %[1]s;
        server_name localhost;

        location /redirect200 {
            error_page 404 =200 http://example.com/;
            return 404;
        }
        location /redirect497 {
            error_page 497 https://example.com/;
            return 497;
        }
        location /error302redirect {
            error_page 302 http://example.com/;
            return 302 "first";
        }
        location /error302return302text {
            error_page 302 /return302text;
            return 302 "first";
        }
        location /error302rewrite {
            error_page 302 /rewrite;
            return 302 "first";
        }
        location /rewrite {
            rewrite ^ http://example.com/;
        }
        location /return302text {
            return 302 "http://example.com/";
        }
        location /error302auto {
            error_page 302 /auto;
            return 302 "first";
        }
        location /auto/ {
            proxy_pass http://%[2]s;
        }
    }
}
`

// TestNginxErrorPage restates nginx-tests http_error_page.t: an
// error_page to a URL answers a redirect, 302 unless the code given is a
// redirect's.
//
// The "error 302 ... - old location cleared" cases show that error_page
// applies to a `return 302` as to an error, its answer replacing the
// return's Location. Not here: "error 302 directory redirect" (gw serves
// no files).
func TestNginxErrorPage(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(ngxErrorPageConfig, a, closedPort(t)), a)
	runNgxCases(t, a, []ngxCase{
		{source: "http_error_page.t: redirect 200 (a URL target stays a 302)", req: "GET /redirect200", status: 302, head: []string{"Location: http://example.com/\r\n"}},
		{source: "http_error_page.t: redirect 497", req: "GET /redirect497", status: 302, head: []string{"Location: https://example.com/\r\n"}},
		{source: "http_error_page.t: error 302 redirect - old location cleared", req: "GET /error302redirect", status: 302,
			head: []string{"Location: http://example.com/\r\n", "!Location: first"}},
		{source: "http_error_page.t: error 302 return 302 text - long location cleared", req: "GET /error302return302text", status: 302,
			head: []string{"Location: http://example.com/\r\n", "!Location: first"}},
		{source: "http_error_page.t: error 302 rewrite - old location cleared", req: "GET /error302rewrite", status: 302,
			head: []string{"Location: http://example.com/\r\n", "!Location: first"}},
		{source: "http_error_page.t: error 302 auto redirect - old location cleared", req: "GET /error302auto", status: 302,
			head: []string{"Location: http://localhost:" + a[strings.LastIndexByte(a, ':')+1:] + "/auto/\r\n", "!Location: first"}},
	})
}
