package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ifBlockConfig: %[1]s is gw, %[2]s and %[3]s gw-demo backends named app
// and post, %[4]d a port nothing listens on. Each location puts in an if
// one of the directives nginx takes there besides the rewrite module's
// (proxy_pass, add_header, error_page, access_log, session_sticky_bypass):
// when the condition holds the request runs with the block's
// configuration, which is the location's with the block's directives
// applied.
const ifBlockConfig = `
events {}
http {
    upstream app {
        server %[2]s;
        session_sticky cookie=route;
    }
    upstream post { server %[3]s; }
    add_header X-Http 1;
    log_format uri "$request_uri";
    access_log logs/access.log uri;
    server {
        listen %[1]s;
        location / {
            proxy_pass http://app;
            if ($request_method = POST) {
                proxy_pass http://post;
                add_header X-Branch post;
                if ($arg_debug) { add_header X-Debug on; }
            }
            if ($cookie_beta) { session_sticky_bypass app; }
        }
        location /ret {
            if ($arg_x) { add_header X-X $arg_x always; }
            return 204;
        }
        location /brk {
            if ($arg_p) { proxy_pass http://post; break; }
            return 403;
        }
        location /var {
            if ($arg_to) { proxy_pass http://$arg_to; }
            proxy_pass http://app;
        }
        location /rw/ {
            if ($arg_r) { rewrite ^/rw/(.*)$ /echo/$1 break; proxy_pass http://post; }
            proxy_pass http://app/echo/;
        }
        location /down {
            proxy_pass http://127.0.0.1:%[4]d;
            if ($arg_nice) { error_page 502 = @nice; }
        }
        location @nice { return 200 "nice"; }
        location /fb { proxy_pass http://127.0.0.1:%[4]d; error_page 502 = @fb; }
        location @fb {
            set $to app;
            if ($arg_to = post) { set $to post; add_header X-Fallback $to; }
            proxy_pass http://$to;
        }
        location /quiet { if ($arg_q) { access_log off; } return 200 "q"; }
        location /last {
            if ($arg_b) { proxy_pass http://post; }
            if ($arg_a) { proxy_pass http://app; }
        }
    }
}
`

// TestRoutingIfBlocks checks the directives of an if block in a location,
// as nginx runs them: the block's configuration answers when its
// condition held, inheriting what the block does not write.
func TestRoutingIfBlocks(t *testing.T) {
	a := addr(freePort(t))
	app, post := startDemo(t, "app"), startDemo(t, "post")
	p := startGW(t, fmt.Sprintf(ifBlockConfig, a, app, post, freePort(t)), a)
	postReq := func(uri string, headers ...string) string {
		return "POST " + uri + " HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\n" +
			strings.Join(headers, "") + "\r\n"
	}

	runNgxCases(t, a, []ngxCase{
		{source: "if false: the location's proxy_pass and inherited add_header", req: "GET /",
			status: 200, header: map[string]string{"X-Backend": "app", "X-Http": "1", "X-Branch": "-"}, head: []string{"Set-Cookie: route="}},
		{source: "if true: the block's proxy_pass and add_header replace the inherited ones", req: postReq("/"),
			status: 200, header: map[string]string{"X-Backend": "post", "X-Branch": "post", "X-Http": "-"}},
		{source: "nested if: the inner block inherits the outer's proxy_pass", req: postReq("/?debug=1"),
			status: 200, header: map[string]string{"X-Backend": "post", "X-Debug": "on", "X-Branch": "-"}},
		{source: "session_sticky_bypass in an if: no persistence for that request", req: "GET / HTTP/1.0\r\nHost: localhost\r\nCookie: beta=1\r\n\r\n",
			status: 200, header: map[string]string{"X-Backend": "app"}, head: []string{"!Set-Cookie: route="}},
		{source: "the location's return answers with the block's add_header", req: "GET /ret?x=v", status: 204,
			header: map[string]string{"X-X": "v"}},
		{source: "if false: the location's return", req: "GET /ret", status: 204, header: map[string]string{"X-X": "-"}},
		{source: "break in the block: its proxy_pass, not the location's return", req: "GET /brk?p=1",
			status: 200, header: map[string]string{"X-Backend": "post"}},
		{source: "if false: return", req: "GET /brk", status: 403},
		{source: "a variable proxy_pass in the block", req: "GET /var?to=post",
			status: 200, header: map[string]string{"X-Backend": "post"}},
		{source: "a variable proxy_pass in the block naming the other upstream", req: "GET /var?to=app",
			status: 200, header: map[string]string{"X-Backend": "app"}},
		{source: "rewrite break in the block, proxied by the block", req: "GET /rw/x?r=1",
			status: 200, header: map[string]string{"X-Backend": "post"}, body: []string{"uri: /echo/x?r=1"}},
		{source: "if false: the location's proxy_pass replaces its prefix", req: "GET /rw/x",
			status: 200, header: map[string]string{"X-Backend": "app"}, body: []string{"uri: /echo/x\n"}},
		{source: "error_page in the block", req: "GET /down?nice=1", status: 200, body: body("nice")},
		{source: "if false: no error_page", req: "GET /down", status: 502},
		{source: "error_page to a named location runs its set and if", req: "GET /fb?to=post",
			status: 200, header: map[string]string{"X-Backend": "post", "X-Fallback": "post"}},
		{source: "error_page to a named location runs its set", req: "GET /fb",
			status: 200, header: map[string]string{"X-Backend": "app", "X-Fallback": "-"}},
		{source: "the last if that held wins", req: "GET /last?a=1&b=1",
			status: 200, header: map[string]string{"X-Backend": "app"}},
		{source: "the last if that held wins, one held", req: "GET /last?b=1",
			status: 200, header: map[string]string{"X-Backend": "post"}},
		{source: "no if held: no proxy_pass, 404", req: "GET /last", status: 404},
		{source: "access_log off in the block", req: "GET /quiet?q=1", status: 200},
		{source: "if false: logged", req: "GET /quiet?mark=1", status: 200},
	})
	log := filepath.Join(p.prefix, "logs", "access.log")
	waitFor(t, "the unquiet request in the access log", func() bool {
		b, _ := os.ReadFile(log)
		return strings.Contains(string(b), "/quiet?mark=1")
	})
	if b, _ := os.ReadFile(log); strings.Contains(string(b), "/quiet?q=1") {
		t.Errorf("access_log off in the if block logged the request:\n%s", b)
	}
}
