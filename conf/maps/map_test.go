package maps

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// build compiles the map blocks of src (http-level text) in one scope and
// returns the scope and a template reading name.
func build(t testing.TB, src, name string) (*vars.Scope, *vars.Template) {
	t.Helper()
	tree, err := parser.Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sc := vars.NewScope(nil)
	Declare(tree, sc)
	for _, d := range tree {
		if _, _, _, err := Build(d, sc); err != nil {
			t.Fatal(err)
		}
	}
	tmpl, err := sc.Parse(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc, tmpl
}

func request(host, uri string, headers ...string) *vars.Request {
	ctx := new(fasthttp.RequestCtx)
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetHost(host)
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Set(headers[i], headers[i+1])
	}
	return &vars.Request{Ctx: ctx}
}

const hostMap = `map $http_host $site {
    hostnames;
    default       other;
    example.com   exact;
    .example.org  dot;
    *.example.net star;
    *.a.example.net deeper;
    www.example.* tail;
    www.*         www;
    ~^(?<sub>[a-z]+)\.re\.test$ re-$sub;
}`

// nginx-tests map.t's shape: a request, the value the map gives.
func TestHostnames(t *testing.T) {
	_, tmpl := build(t, hostMap, "$site")
	tests := []struct{ host, want string }{
		{"example.com", "exact"},
		{"EXAMPLE.com.", "exact"}, // lower-cased, one trailing dot dropped
		{"example.org", "dot"},
		{"a.b.example.org", "dot"},
		{"x.example.net", "star"},
		{"example.net", "other"}, // *. needs a label before
		{"b.a.example.net", "deeper"},
		{"www.example.co.uk", "tail"},
		{"www.example", "www"}, // www.example.* needs something after
		{"foo.re.test", "re-foo"},
		{"", "other"},
	}
	for _, tt := range tests {
		got := string(tmpl.Append(nil, request(tt.host, "/")))
		if got != tt.want {
			t.Errorf("Host %q: $site = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestExactRegexDefault(t *testing.T) {
	_, tmpl := build(t, `
map $uri$is_args$args $route {
    /exact           exact;
    /Mixed           mixed;
    ~^/api/(v\d+)/   api-$1;
    ~*^/static/      static;
    ~^/api/          never; # an earlier regex matched
    default          dflt-$uri;
}
map $http_upgrade $connection_upgrade { default upgrade; '' close; }
map $route $chained { ~^api-(?<v>.*)$ $v; default -; }
map $arg_k $k { \default literal; \~x tilde; default -; }`, "$route|$connection_upgrade|$chained$k")
	tests := []struct{ uri, upgrade, want string }{
		{"/exact", "", "exact|close|--"},
		{"/MIXED", "websocket", "mixed|upgrade|--"},
		{"/api/v2/users", "", "api-v2|close|v2-"},
		{"/STATIC/a.css", "", "static|close|--"},
		{"/d?k=default", "", "dflt-/d|close|-literal"},
		{"/d?k=~x", "", "dflt-/d|close|-tilde"},
		{"/x?a=1", "", "dflt-/x|close|--"},
	}
	for _, tt := range tests {
		var h []string
		if tt.upgrade != "" {
			h = []string{"Upgrade", tt.upgrade}
		}
		if got := string(tmpl.Append(nil, request("h", tt.uri, h...))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.uri, got, tt.want)
		}
	}
}

// A map is evaluated once per request unless volatile; a set overrides.
func TestCachedVolatileAndSet(t *testing.T) {
	sc, tmpl := build(t, `
map $request_id $once { default $request_id; }
map $request_id $every { volatile; default $request_id; }`, "$once $once $every")
	out := strings.Fields(string(tmpl.Append(nil, request("h", "/"))))
	if out[0] != out[1] {
		t.Errorf("cached map read twice gave %q and %q", out[0], out[1])
	}
	r := request("h", "/")
	v := sc.Lookup("once")
	r.SetVar(v, vars.MustParse("fixed"))
	if got := string(r.AppendVar(nil, v)); got != "fixed" {
		t.Errorf("after set: %q", got)
	}
	r.Reset()
	r.Ctx = request("h", "/").Ctx
	if got := string(r.AppendVar(nil, v)); got == "fixed" || got == "" {
		t.Errorf("after Reset the map is evaluated again, got %q", got)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`map $uri $x { default 1; default 2; }`, "duplicate default map parameter"},
		{`map $uri $x { /a 1; /A 2; }`, `conflicting parameter "/A"`},
		{`map $uri $x { hostnames; .example.com 1; example.com 2; }`, `conflicting parameter "example.com"`},
		{`map $uri $x { hostnames; example.com 1; .example.com 2; }`, `conflicting parameter ".example.com"`},
		{`map $uri $x { hostnames; *.example.com 1; .example.com 2; }`, `conflicting parameter ".example.com"`},
		{`map $uri $x { hostnames; a.*.com 1; }`, `invalid hostname or wildcard "a.*.com"`},
		{`map $uri $x { hostnames; a..com 1; }`, `invalid hostname or wildcard "a..com"`},
		{`map $uri $x { "~(" 1; }`, `invalid regex "("`},
		{`map $uri $x { a; }`, "invalid number of the map parameters"},
		{`map $uri $x { a b c; }`, "invalid number of the map parameters"},
		{`map $uri $uri { default 1; }`, `the duplicate "uri" variable`},
		{`map $uri x { default 1; }`, `invalid variable name "x"`},
		{`map $nope $x { default 1; }`, `unknown "nope" variable`},
	}
	for _, tt := range tests {
		tree, err := parser.Parse("t.conf", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		sc := vars.NewScope(nil)
		Declare(tree, sc)
		_, _, _, err = Build(tree[0], sc)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.src, err, tt.want)
		}
	}
}
