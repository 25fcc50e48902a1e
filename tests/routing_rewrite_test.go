package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ifConfig: %[1]s is gw, %[2]s a gw-demo backend. The conditions are
// nginx's (rewrite_if.t, rewrite.t): a variable, = and != against strings
// with variables, regexes with $1..$9 and named captures, negated regexes,
// an if at server level before any location, break, and a return in an if
// answering instead of the location's own.
const ifConfig = `
events {}
http {
    upstream app { server %[2]s; }
    server {
        listen %[1]s;
        if ($http_x_server) { return 200 "server if: $http_x_server"; }

        location /var { if ($arg_v) { return 200 "true"; } return 200 "false"; }
        location /eq {
            set $want "a$arg_w";
            if ($arg_v = $want) { return 200 "equal"; }
            if ($arg_v != "") { return 200 "different"; }
            return 200 "empty";
        }
        location /re {
            if ($uri ~ ^/re/(?<word>[a-z]+)/(\d+)$) { return 200 "word=$word num=$2"; }
            if ($uri ~* "^/RE/UPPER") { return 200 "caseless"; }
            if ($uri !~ "^/re/") { return 200 "not re/"; }
            return 200 "none";
        }
        location /capture {
            if ($uri ~ ^/capture/(.+)$) { set $rest $1; }
            return 200 "rest=$rest";
        }
        location /break {
            set $x "before";
            if ($arg_stop) { break; }
            set $x "after";
            add_header X-Var $x always;
            return 200;
        }
        location /nested {
            if ($arg_a) { if ($arg_b) { return 200 "both"; } return 200 "a only"; }
            return 200 "neither";
        }
        location /proxied {
            if ($request_method = POST) { return 405; }
            proxy_pass http://app/echo;
        }
        location /redir { if ($arg_to) { return 302 /landing/$arg_to; } return 204; }
    }
}
`

// TestRoutingIf checks if and break end to end, in nginx-tests' shape.
func TestRoutingIf(t *testing.T) {
	a := addr(freePort(t))
	app := startDemo(t, "app")
	startGW(t, fmt.Sprintf(ifConfig, a, app), a)

	runNgxCases(t, a, []ngxCase{
		{source: "rewrite_if.t: variable true", req: "GET /var?v=1", status: 200, body: body("true")},
		{source: "rewrite_if.t: variable \"0\" is false", req: "GET /var?v=0", status: 200, body: body("false")},
		{source: "rewrite_if.t: variable empty is false", req: "GET /var", status: 200, body: body("false")},
		{source: "rewrite_if.t: = against a template", req: "GET /eq?v=ax&w=x", status: 200, body: body("equal")},
		{source: "rewrite_if.t: !=", req: "GET /eq?v=ay&w=x", status: 200, body: body("different")},
		{source: "rewrite_if.t: = empty", req: "GET /eq", status: 200, body: body("empty")},
		{source: "rewrite.t: regex with named and numbered captures", req: "GET /re/abc/42", status: 200, body: body("word=abc num=42")},
		{source: "rewrite.t: ~* is caseless", req: "GET /re/UPPER", status: 200, body: body("caseless")},
		{source: "rewrite.t: !~", req: "GET /reX", status: 200, body: body("not re/")},
		{source: "rewrite.t: captures outlive the if", req: "GET /capture/x/y", status: 200, body: body("rest=x/y")},
		{source: "rewrite.t: break stops the script", req: "GET /break?stop=1", status: 404, header: map[string]string{"X-Var": "before"}},
		{source: "rewrite.t: without break the script goes on", req: "GET /break", status: 200, header: map[string]string{"X-Var": "after"}},
		{source: "rewrite_if.t: nested if", req: "GET /nested?a=1&b=1", status: 200, body: body("both")},
		{source: "rewrite_if.t: nested if, outer only", req: "GET /nested?a=1", status: 200, body: body("a only")},
		{source: "rewrite_if.t: nested if, none", req: "GET /nested", status: 200, body: body("neither")},
		{source: "server if answers before locations", req: "GET /var HTTP/1.0\r\nHost: localhost\r\nX-Server: yes\r\n\r\n", status: 200, body: body("server if: yes")},
		{source: "if return in a proxying location", req: "POST /proxied HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", status: 405},
		{source: "if false: proxy_pass", req: "GET /proxied", status: 200, body: []string{"uri: /echo"}},
		{source: "return redirect in if is made absolute", req: "GET /redir?to=x", status: 302, header: map[string]string{"Location": "http://localhost:"}},
		{source: "return redirect in if: path", req: "GET /redir?to=x", status: 302, header: map[string]string{"Location": "/landing/x"}},
		{source: "if false: the location's return", req: "GET /redir", status: 204},
	})
}

// rewriteConfig: %[1]s is gw, %[2]s a gw-demo backend whose /echo shows
// the URI it was sent. The cases follow nginx-tests rewrite.t.
const rewriteConfig = `
error_log logs/error.log notice;
events {}
http {
    upstream app { server %[2]s; }
    server {
        listen %[1]s;
        rewrite ^/old/(.*)$ /new/$1;
        rewrite ^/old2/(.*)$ /new2/$1;

        location /new/ { return 200 "new uri=$uri args=$args"; }
        location /last/ { rewrite ^/last/(.*)$ /target/$1 last; return 200 "not reached"; }
        location /target/ { return 200 "target uri=$uri args=$args request_uri=$request_uri"; }
        location /drop/ { rewrite ^/drop/(.*)$ /target/$1? last; }
        location /newargs/ { rewrite ^/newargs/(.*)$ /target/$1?n=1 last; }
        location /brk/ {
            rewrite ^/brk/(.*)$ /echo/$1 break;
            proxy_pass http://app;
        }
        location /brkpart/ {
            rewrite ^/brkpart/(.*)$ /$1 break;
            proxy_pass http://app/echo;
        }
        location /new2/ { proxy_pass http://app/v2/; }
        location /nf/ { rewrite ^/nf/(.*)$ /new2/$1; proxy_pass http://app/never/; }
        location /rb/ { rewrite ^/rb/(.*)$ /z/$1; break; proxy_pass http://app/v3/; }
        location /esc/ { rewrite ^/esc/(.*)$ http://example.com/?q=$1 redirect; }
        location /escargs/ { rewrite ^/escargs/(.*)$ /target/$1?q=$1 last; }
        location /redirect { rewrite ^ /landing redirect; }
        location /permanent { rewrite ^/permanent(.*)$ /landing$1 permanent; }
        location /absolute { rewrite ^ http://example.com/x; }
        location /absdrop { rewrite ^ http://example.com/x?; }
        location /loop { rewrite ^ /loop last; }
        location /cont {
            rewrite_log on;
            rewrite ^/cont/(.*)$ /cont2/$1;
            rewrite ^/cont2/(.*)$ /cont3/$1;
            return 200 "uri=$uri";
        }
        location /setargs/ { set $args "$args&added=1"; return 200 "args=$args added=$arg_added"; }
        location /setargsproxy/ { set $args "x=1"; proxy_pass http://app; }
        location /setargspart/ { set $args "x=2"; proxy_pass http://app/echo/; }
        location /ep404 { error_page 404 /old/from-ep; return 404; }
        location /epnamed { error_page 404 = @named; return 404; }
        location @named { rewrite ^ /new/from-named last; }
        location /setsit { set $never 1; set $hushed 1; return 204; }
        location /uninit { return 200 "v=$never"; }
        location /hushed { uninitialized_variable_warn off; return 200 "v=$hushed"; }
        location /iflast {
            if ($arg_go) { rewrite ^ /target/from-if last; }
            return 200 "no if";
        }
    }
}
`

// TestRoutingRewrite checks rewrite end to end, in nginx-tests' shape.
func TestRoutingRewrite(t *testing.T) {
	a := addr(freePort(t))
	app := startDemo(t, "app")
	p := startGW(t, fmt.Sprintf(rewriteConfig, a, app), a)

	runNgxCases(t, a, []ngxCase{
		{source: "rewrite.t: server rewrite before the location search", req: "GET /old/x?a=1", status: 200, body: body("new uri=/new/x args=a=1")},
		{source: "rewrite.t: last searches the location again", req: "GET /last/y?a=1", status: 200, body: body("target uri=/target/y args=a=1 request_uri=/last/y?a=1")},
		{source: "rewrite.t: trailing ? drops the arguments", req: "GET /drop/z?a=1", status: 200, body: body("target uri=/target/z args= request_uri=/drop/z?a=1")},
		{source: "rewrite.t: new arguments, then the old ones", req: "GET /newargs/z?a=1", status: 200, body: body("target uri=/target/z args=n=1&a=1 request_uri=/newargs/z?a=1")},
		{source: "rewrite.t: break proxies the new URI", req: "GET /brk/p?q=1", status: 200, body: []string{"uri: /echo/p?q=1"}},
		{source: "rewrite ... break: the new URI goes whole, the URI part of proxy_pass is dropped (nginx's proxy_pass documentation)", req: "GET /brkpart/p", status: 200, body: []string{"uri: /p\n"}},
		{source: "server rewrite: the new location's prefix is replaced by proxy_pass's URI part", req: "GET /old2/x?a=1", status: 200, body: []string{"uri: /v2/x?a=1\n"}},
		{source: "rewrite without flag: the location is searched again", req: "GET /nf/y", status: 200, body: []string{"uri: /v2/y\n"}},
		{source: "break after a rewrite: the new URI goes whole", req: "GET /rb/w", status: 200, body: []string{"uri: /z/w\n"}},
		{source: "rewrite.t: a capture in a redirect is escaped when the URI was", req: "GET /esc/a%26b", status: 302, head: []string{"Location: http://example.com/?q=a%26b\r\n"}},
		{source: "rewrite.t: a capture in the arguments is escaped when the URI was, not in the path", req: "GET /escargs/a%26b", status: 200, body: body("target uri=/target/a&b args=q=a%26b request_uri=/escargs/a%26b")},
		{source: "a capture is not escaped when the URI had no escape", req: "GET /escargs/a,b", status: 200, body: body("target uri=/target/a,b args=q=a,b request_uri=/escargs/a,b")},
		{source: "rewrite.t: redirect flag, absolute Location", req: "GET /redirect?a=1", status: 302, header: map[string]string{"Location": "http://localhost:"}, head: []string{"/landing?a=1\r\n"}},
		{source: "rewrite.t: permanent", req: "GET /permanent/x", status: 301, head: []string{"/landing/x\r\n"}},
		{source: "rewrite.t: http:// replacement redirects", req: "GET /absolute?a=1", status: 302, head: []string{"Location: http://example.com/x?a=1\r\n"}},
		{source: "rewrite.t: http:// replacement with ?", req: "GET /absdrop?a=1", status: 302, head: []string{"Location: http://example.com/x\r\n"}},
		{source: "rewrite.t: last loop ends in 500", req: "GET /loop", status: 500},
		{source: "rewrite.t: rewrites without flag go on", req: "GET /cont/a", status: 200, body: body("uri=/cont3/a")},
		{source: "rewrite_if.t: rewrite last in if", req: "GET /iflast?go=1", status: 200, body: body("target uri=/target/from-if args=go=1 request_uri=/iflast?go=1")},
		{source: "rewrite_if.t: if false", req: "GET /iflast", status: 200, body: body("no if")},
		{source: "error_page to a URI runs the server's rewrite too; the status stays the error's",
			req: "GET /ep404", status: 404, body: body("new uri=/new/from-ep args=")},
		{source: "error_page = @named runs the named location's rewrite ... last",
			req: "GET /epnamed", status: 200, body: body("new uri=/new/from-named args=")},
		{source: "set $args changes $args and $arg_*", req: "GET /setargs/?a=1", status: 200, body: body("args=a=1&added=1 added=1")},
		{source: "set $args: proxy_pass without URI part sends the path with the new arguments", req: "GET /setargsproxy/echo?a=1",
			status: 200, body: []string{"uri: /setargsproxy/echo?x=1\n"}},
		{source: "set $args: proxy_pass with a URI part", req: "GET /setargspart/p?a=1", status: 200, body: []string{"uri: /echo/p?x=2\n"}},
		{source: "uninitialized_variable_warn off", req: "GET /hushed", status: 200, body: body("v=")},
		{source: "a set variable read before any set is empty", req: "GET /uninit", status: 200, body: body("v=")},
	})
	for _, line := range []struct{ level, msg string }{
		{"error", `rewrite or internal redirection cycle while processing \"/loop\", client: 127.0.0.1`},
		{"info", `\"^/cont/(.*)$\" matches \"/cont/a\", client: 127.0.0.1`},
		{"info", `rewritten data: \"/cont2/a\", args: \"\", client: 127.0.0.1`},
		{"info", `\"^/cont2/(.*)$\" matches \"/cont2/a\"`},
		{"warn", `using uninitialized \"never\" variable, client: 127.0.0.1`},
	} {
		waitFor(t, line.msg+" in the error log", func() bool {
			b, _ := os.ReadFile(filepath.Join(p.prefix, "logs", "error.log"))
			return hasLogLine(string(b), line.level, line.msg)
		})
	}
	// /hushed was asked before /uninit, whose warning is in the log now:
	// had /hushed warned, its line would be there too.
	if b, _ := os.ReadFile(filepath.Join(p.prefix, "logs", "error.log")); strings.Contains(string(b), `\"hushed\"`) {
		t.Errorf("uninitialized_variable_warn off logged:\n%s", b)
	}
}
