package conf

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
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
}
