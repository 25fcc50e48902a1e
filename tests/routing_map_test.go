package tests

import (
	"fmt"
	"strings"
	"testing"
)

// mapSetConfig: %[1]s is gw, %[2]s and %[3]s are gw-demo backends "blue"
// and "green". The maps follow nginx's documentation and map.t: a
// hostnames map on $http_host, regexes with captures used in
// proxy_set_header, return and add_header, a cookie choosing a backend's
// name, and set with variables at server and location level.
const mapSetConfig = `
events {}
http {
    map $http_host $site {
        hostnames;
        default       other;
        example.com   exact;
        .example.org  dot;
        *.example.net star;
        www.example.* tail;
        ~^(?<tenant>[a-z]+)\.saas\.test$ tenant-$tenant;
    }
    map $uri $api_version {
        ~^/api/(v\d+)/ $1;
        default        none;
    }
    map $cookie_x $pool {
        green   green;
        default blue;
    }
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream blue  { server %[2]s; }
    upstream green { server %[3]s; }

    server {
        listen %[1]s;
        set $front "gw:$site";
        add_header X-Site $site;
        location /site  { return 200 "$site"; }
        location /api/  {
            proxy_set_header X-Api-Version $api_version;
            proxy_pass http://blue/echo?;  # the rest of the URI becomes the query
        }
        location /ver/  { return 200 "v=$api_version"; }
        location /pool  { add_header X-Pool $pool; return 200 "pool=$pool"; }
        location /set   {
            set $who "$front/$arg_name";
            set $who "${who}!";
            return 200 "$who";
        }
        location /unset { return 200 "[$who]"; }
        location /ws    { return 200 "$connection_upgrade"; }
        location /blue  { proxy_pass http://blue/echo; }
        location /green { proxy_pass http://green/echo; }
    }
}
`

// hostReq is a GET of uri with a Host header and more header lines.
func hostReq(host, uri string, lines ...string) string {
	return "GET " + uri + " HTTP/1.0\r\nHost: " + host + "\r\n" + strings.Join(append(lines, ""), "\r\n") + "\r\n"
}

// TestRoutingMapSet checks map and set end to end, in nginx-tests' shape.
// A variable proxy_pass ($pool as an upstream name) is issue 16's next
// step; here $pool is proved in return and add_header.
func TestRoutingMapSet(t *testing.T) {
	a := addr(freePort(t))
	blue, green := startDemo(t, "blue"), startDemo(t, "green")
	startGW(t, fmt.Sprintf(mapSetConfig, a, blue, green), a)

	runNgxCases(t, a, []ngxCase{
		{source: "map.t: hostnames exact", req: hostReq("example.com", "/site"), status: 200, body: body("exact")},
		{source: "map.t: hostnames exact, case and ending dot", req: hostReq("EXAMPLE.COM.", "/site"), status: 200, body: body("exact")},
		{source: "map.t: hostnames .example.org itself", req: hostReq("example.org", "/site"), status: 200, body: body("dot")},
		{source: "map.t: hostnames .example.org below", req: hostReq("a.b.example.org", "/site"), status: 200, body: body("dot")},
		{source: "map.t: hostnames *.example.net", req: hostReq("www.example.net", "/site"), status: 200, body: body("star")},
		{source: "map.t: hostnames *.example.net not itself", req: hostReq("example.net", "/site"), status: 200, body: body("other")},
		{source: "map.t: hostnames www.example.*", req: hostReq("www.example.co.uk", "/site"), status: 200, body: body("tail")},
		{source: "map.t: named capture in the value", req: hostReq("acme.saas.test", "/site"), status: 200, body: body("tenant-acme"), header: map[string]string{"X-Site": "tenant-acme"}},
		{source: "map.t: default", req: hostReq("nowhere.test", "/site"), status: 200, body: body("other")},
		{source: "map regex capture in return", req: hostReq("h", "/ver/x"), status: 200, body: body("v=none")},
		{source: "map regex capture in proxy_set_header", req: hostReq("h", "/api/v3/users"), status: 200, body: []string{"header X-Api-Version: v3", "server: blue"}},
		{source: "map on $cookie_x: green", req: hostReq("h", "/pool", "Cookie: a=1; x=green"), status: 200, body: body("pool=green"), header: map[string]string{"X-Pool": "green"}},
		{source: "map on $cookie_x: default", req: hostReq("h", "/pool"), status: 200, body: body("pool=blue"), header: map[string]string{"X-Pool": "blue"}},
		{source: "map '' key: no Upgrade", req: hostReq("h", "/ws"), status: 200, body: body("close")},
		{source: "map '' key: Upgrade", req: hostReq("h", "/ws", "Upgrade: websocket"), status: 200, body: body("upgrade")},
		{source: "set: server and location sets with variables", req: hostReq("example.com", "/set?name=ann"), status: 200, body: body("gw:exact/ann!")},
		{source: "set: a variable never set is empty", req: hostReq("h", "/unset"), status: 200, body: body("[]")},
		{source: "map value in add_header of a proxied answer", req: hostReq("www.example.net", "/green"), status: 200, body: []string{"server: green"}, header: map[string]string{"X-Site": "star"}},
	})
}

// TestRoutingMapSetErrors: gw -t refuses misuse in nginx's words, at the
// position of the word at fault.
func TestRoutingMapSetErrors(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"map outside http", "events {}\nhttp {\n server {\n  map $uri $x { default 1; }\n }\n}\n",
			`"map" directive is not allowed here in %s:4:3`},
		{"duplicate default", "events {}\nhttp {\n map $uri $x {\n  default 1;\n  default 2;\n }\n}\n",
			`duplicate default map parameter in %s:5:3`},
		{"conflicting key", "events {}\nhttp {\n map $uri $x {\n  /a 1;\n  /a 2;\n }\n}\n",
			`conflicting parameter "/a" in %s:5:3`},
		{"invalid regex", "events {}\nhttp {\n map $uri $x {\n  ~(a 1;\n }\n}\n",
			`invalid regex "(a"`},
		{"map onto a built-in variable", "events {}\nhttp {\n map $uri $host { default 1; }\n}\n",
			`the duplicate "host" variable in %s:3:11`},
		{"set of a built-in variable", "events {}\nhttp {\n server {\n  listen 8080;\n  set $uri /x;\n }\n}\n",
			`the duplicate "uri" variable in %s:5:7`},
		{"variable defined nowhere", "events {}\nhttp {\n server {\n  listen 8080;\n  return 200 $nowhere;\n }\n}\n",
			`unknown "nowhere" variable in %s:5:14`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := writePrefix(t, tt.conf)
			out, code := runGW(t, "-t", "-p", prefix)
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, prefix+"/conf/gw.conf")
			}
			if code != 1 || !strings.Contains(out, "[emerg] "+want) {
				t.Errorf("exit %d, want 1 and %q:\n%s", code, want, out)
			}
		})
	}
}
