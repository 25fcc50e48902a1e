package tests

import (
	"fmt"
	"testing"
)

// ngxRewriteConfig is nginx-tests rewrite.t's server, less /directory
// (gw serves no files); %[1]s is gw, whose own /return200 /break proxies
// to, as the original proxies to its own server.
const ngxRewriteConfig = `
events {}
http {
    server {
        listen %[1]s;
        server_name localhost;

        location / { rewrite ^ http://example.com/ redirect; }
        location /add { rewrite ^ http://example.com/?c=d redirect; }
        location /no { rewrite ^ http://example.com/?c=d? redirect; }
        location /return204 { return 204; }
        location /return200 { return 200; }
        location /return306 { return 306; }
        location /return405 { return 405; }
        location /error404return405 { error_page 404 /return405; return 404; }
        location /error405return204 { error_page 405 /return204; return 405; }
        location /error405return200 { error_page 405 /return200; return 405; }
        location /return200text { return 200 "text"; }
        location /return404text { return 404 "text"; }
        location /return302text { return 302 "text"; }
        location /error405return200text { error_page 405 /return200text; return 405; }
        location /error302return200text { error_page 302 /return200text; return 302 "text"; }
        location /error405return302text { error_page 405 /return302text; return 405; }
        location /error405rewrite { error_page 405 /; return 405; }
        location /capture {
            rewrite ^(.*) $1?c=d;
            return 200 "uri:$uri args:$args";
        }
        location /capturedup {
            rewrite ^(.*) $1?c=$1;
            return 200 "uri:$uri args:$args";
        }
        location /break {
            rewrite ^ /return200;
            break;
            proxy_pass http://%[1]s/return204;
        }
    }
}
`

// TestNginxRewrite restates nginx-tests rewrite.t, every case but "error
// 405 directory redirect" (a static directory; gw serves no files).
func TestNginxRewrite(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(ngxRewriteConfig, a), a)
	http11 := func(uri string) string {
		return "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
	}
	runNgxCases(t, a, []ngxCase{
		{source: "rewrite.t: simple", req: "GET /", head: []string{"\r\nLocation: http://example.com/\r\n"}},
		{source: "rewrite.t: simple with args", req: "GET /?a=b", head: []string{"\r\nLocation: http://example.com/?a=b\r\n"}},
		{source: "rewrite.t: add args", req: "GET /add", head: []string{"\r\nLocation: http://example.com/?c=d\r\n"}},
		{source: "rewrite.t: add args with args", req: "GET /add?a=b", head: []string{"\r\nLocation: http://example.com/?c=d&a=b\r\n"}},
		{source: "rewrite.t: no args with args", req: "GET /no?a=b", head: []string{"\r\nLocation: http://example.com/?c=d\r\n"}},
		{source: "rewrite.t: return 204", req: "GET /return204", status: 204},
		{source: "rewrite.t: return 200", req: "GET /return200", status: 200},
		{source: "rewrite.t: return 306", req: "GET /return306", status: 306, head: []string{"HTTP/1.1 306 "}},
		{source: "rewrite.t: return 405", req: "GET /return405", status: 405, body: []string{"body"}},
		{source: "rewrite.t: error 404 return 405", req: "GET /error404return405", status: 405},
		{source: "rewrite.t: error 405 return 204 has a body's framing", req: http11("/error405return204"),
			status: 405, head: []string{"Content-Length: "}},
		{source: "rewrite.t: error 405 return 200: no body of its own", req: "GET /error405return200", status: 405},
		{source: "rewrite.t: return 200 text", req: "GET /return200text", status: 200, body: []string{"=text"}},
		{source: "rewrite.t: return 404 text", req: "GET /return404text", status: 404, body: []string{"=text"}},
		{source: "rewrite.t: error 405 to return 200 text", req: "GET /error405return200text", status: 405, body: []string{"=text"}},
		{source: "rewrite.t: return 302 text", req: "GET /return302text", status: 302, header: map[string]string{"Location": "text"}},
		{source: "rewrite.t: error 302 return 200 text", req: "GET /error302return200text", status: 302,
			header: map[string]string{"Location": "text"}, body: []string{"=text"}},
		{source: "rewrite.t: error 405 return 302 text", req: "GET /error405return302text", status: 302,
			header: map[string]string{"Location": "text"}},
		{source: "rewrite.t: error 405 rewrite redirect", req: "GET /error405rewrite", status: 302,
			head: []string{"\r\nLocation: http://example.com/\r\n"}},
		{source: "rewrite.t: escape with added args", req: "GET /capture/%25?a=b", body: []string{"=uri:/capture/% args:c=d&a=b"}},
		{source: "rewrite.t: escape with added args, dup", req: "GET /capturedup/%25?a=b",
			body: []string{"=uri:/capturedup/% args:c=/capturedup/%25&a=b"}},
		{source: "rewrite.t: valid_location reset", req: "GET /break", status: 200},
	})
}
