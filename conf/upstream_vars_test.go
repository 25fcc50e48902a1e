package conf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// hash's key is parsed within the configuration's variables, as nginx's
// ngx_http_upstream_hash compiles it with the complex-value compiler: a map
// or set variable may be the key, declared before or after the upstream.
func TestHashKeyDefinedVariables(t *testing.T) {
	c := buildText(t, `events {}
http {
    upstream by_bucket {
        hash $bucket consistent;       # the map comes later in the file
        server 127.0.0.1:9001;
    }
    upstream by_set {
        hash "$shard:$arg_x";
        server 127.0.0.1:9002;
    }
    upstream by_header {
        hash $team;
        server 127.0.0.1:9003;
    }
    map $http_x_team $team { red r; default d; }
    map $cookie_user $bucket {
        default   none;
        alice     a;
        bob       a;
        ~^c       c;
    }
    server {
        listen 127.0.0.1:8080;
        set $shard "s-$bucket";
        location /b { proxy_pass http://by_bucket; }
        location /s { proxy_pass http://by_set; }
    }
}
`)
	bucket, shard := c.HTTP.Upstream("by_bucket"), c.HTTP.Upstream("by_set")
	if bucket == nil || shard == nil {
		t.Fatal("upstreams missing")
	}
	if !bucket.Balancer.Consistent || bucket.Balancer.Key.String() != "$bucket" {
		t.Fatalf("by_bucket balancer %+v", bucket.Balancer)
	}
	srv := c.HTTP.Servers[0]
	for _, tc := range []struct{ cookie, bucket, shard string }{
		{"user=alice", "a", "s-a:1"},
		{"user=bob", "a", "s-a:1"},
		{"user=carol", "c", "s-c:1"},
		{"user=dave", "none", "s-none:1"},
		{"", "none", "s-none:1"},
	} {
		ctx := new(fasthttp.RequestCtx)
		ctx.Request.SetRequestURI("/s?x=1")
		if tc.cookie != "" {
			ctx.Request.Header.Set("Cookie", tc.cookie)
		}
		r := &vars.Request{Ctx: ctx}
		if got := string(bucket.Balancer.Key.Append(nil, r)); got != tc.bucket {
			t.Errorf("%q: hash $bucket = %q, want %q", tc.cookie, got, tc.bucket)
		}
		// The server's set runs before the location's proxy_pass picks.
		srv.Settings.Script.Run(r)
		if got := string(shard.Balancer.Key.Append(nil, r)); got != tc.shard {
			t.Errorf("%q: hash \"$shard:$arg_x\" = %q, want %q", tc.cookie, got, tc.shard)
		}
	}
	// The balancer's key through a map costs the pick no allocation of
	// its own (the proxy reuses its key buffer and the Request between
	// requests); the source is a header, which costs none either.
	team := c.HTTP.Upstream("by_header").Balancer.Key
	ctx := new(fasthttp.RequestCtx)
	ctx.Request.SetRequestURI("/h")
	ctx.Request.Header.Set("X-Team", "red")
	r := &vars.Request{Ctx: ctx}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		r.Reset()
		r.Ctx = ctx
		buf = team.Append(buf[:0], r)
	}); n != 0 || string(buf) != "r" {
		t.Errorf("hash $team = %q: %v allocations per key, want \"r\" and 0", buf, n)
	}
}

// Every directive that takes a template parses it within the
// configuration's variables: $mv, a map written after every use, loads,
// and the same line with $nosuch is `unknown "nosuch" variable` (so the
// directive does parse variables, and the first result is the scope's).
func TestTemplatesSeeDefinedVariables(t *testing.T) {
	const config = `events {}
http {
    %[1]s
    upstream app { %[2]s server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:8080;
        %[3]s
        location / { %[4]s proxy_pass http://app; }
    }
    map $http_x_t $mv { default v; }
}
`
	cases := []struct{ name, http, upstream, server, location string }{
		{name: "hash", upstream: `hash $mv;`},
		{name: "hash consistent", upstream: `hash "$mv$uri" consistent;`},
		{name: "log_format", http: `log_format f "$mv";`},
		{name: "access_log if=", http: `access_log logs/a.log combined if=$mv;`},
		{name: "return", server: `return 200 "$mv";`},
		{name: "add_header", location: `add_header X-M $mv;`},
		{name: "proxy_set_header", location: `proxy_set_header X-M $mv;`},
		{name: "proxy_redirect", location: `proxy_redirect http://$mv/ /;`},
		{name: "proxy_ssl_name", location: `proxy_ssl_name $mv;`},
		{name: "auth_basic", location: `auth_basic "realm $mv";`},
		{name: "session_sticky_bypass", location: `session_sticky_bypass $mv;`},
		{name: "set", server: `set $s "$mv";`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []string{"mv", "nosuch"} {
				r := strings.NewReplacer("$mv", "$"+v)
				src := fmt.Sprintf(config, r.Replace(tc.http), r.Replace(tc.upstream), r.Replace(tc.server), r.Replace(tc.location))
				tree, err := parser.Parse("t.conf", []byte(src))
				if err != nil {
					t.Fatal(err)
				}
				_, err = Build(tree, t.TempDir())
				if v == "mv" && err != nil {
					t.Errorf("with a map variable: %v", err)
				}
				if v == "nosuch" && (err == nil || !strings.Contains(err.Error(), `unknown "nosuch" variable`)) {
					t.Errorf("with an unknown variable: %v, want unknown \"nosuch\" variable", err)
				}
			}
		})
	}
}
