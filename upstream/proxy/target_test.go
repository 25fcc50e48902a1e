package proxy

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/resolver/resolvertest"
)

// pxNamedBackend answers "NAME URI host=HOST" so a test sees which backend
// got the request, the target it was sent and its Host ($proxy_host).
func pxNamedBackend(t *testing.T, name string) *pxBackend {
	return pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		body := name + " " + string(ctx.RequestURI()) + " host=" + string(ctx.Host())
		if ph := ctx.Request.Header.Peek("X-PH"); len(ph) > 0 {
			body += " ph=" + string(ph) // $proxy_host as evaluated, case kept
		}
		ctx.SetBodyString(body)
	})
}

// TestVariableProxyPass: each value a request makes of a proxy_pass URL
// with variables, where it goes (ngx_http_proxy_eval's rules), or what gw
// answers and logs.
func TestVariableProxyPass(t *testing.T) {
	a, b := pxNamedBackend(t, "a"), pxNamedBackend(t, "b")
	_, bPort, _ := strings.Cut(b.addr, ":")
	ns := resolvertest.Start(t, map[string][]netip.Addr{"app.test": {netip.MustParseAddr("127.0.0.1")}}, 60)
	ups := fmt.Sprintf("upstream ua { server %s; } upstream ub { server %s; }", a.addr, b.addr)
	for _, tc := range []struct {
		name, loc, path string
		header          string // X-URL's value
		code            int
		body, log       string
	}{
		{"upstream name", "proxy_pass http://$arg_up;", "/p?up=ua", "", 200, "a /p?up=ua host=ua", ""},
		{"upstream name in other case", "proxy_pass http://$arg_up; proxy_set_header X-PH $proxy_host;", "/p?up=UB", "", 200,
			"b /p?up=UB host=ub ph=UB", ""},
		{"address and port", "proxy_pass http://$http_x_url;", "/p?x=1", a.addr, 200, "a /p?x=1 host=" + a.addr, ""},
		{"URI part sent as is, no arguments", "proxy_pass http://$http_x_url/fixed;", "/p/q?x=1", a.addr, 200, "a /fixed host=" + a.addr, ""},
		{"arguments alone get a slash", "proxy_pass $http_x_url;", "/p", "http://" + a.addr + "?z", 200, "a /?z host=" + a.addr, ""},
		{"whole URL with upstream", "proxy_pass $http_x_url;", "/p", "http://ub/u/v", 200, "b /u/v host=ub", ""},
		{"upstream name with a port is a host", "proxy_pass $http_x_url;", "/p", "http://ua:80/", 502, "",
			`no resolver defined to resolve ua, client: `},
		{"invalid prefix", "proxy_pass $http_x_url;", "/p", "ftp://x/", 500, "", `invalid URL prefix in "ftp://x/", client: `},
		{"no host", "proxy_pass $http_x_url;", "/p", "http:///x", 500, "", `no host in upstream "/x", client: `},
		{"invalid port", "proxy_pass $http_x_url;", "/p", "http://127.0.0.1:99999/", 500, "", `invalid port in upstream "127.0.0.1:99999/"`},
		{"name without resolver", "proxy_pass http://app.test:$arg_p;", "/p?p=" + bPort, "", 502, "",
			`no resolver defined to resolve app.test, client: 127.0.0.1, server: test, request: "GET /p?p=` + bPort + ` HTTP/1.1", host: "gw"`},
		{"name with resolver", "resolver " + ns.Addr + "; proxy_pass http://app.test:$arg_p;", "/p?p=" + bPort, "", 200,
			"b /p?p=" + bPort + " host=app.test:" + bPort, ""},
		{"resolver that does not answer", "resolver 127.0.0.1:9; resolver_timeout 300ms; proxy_pass http://$http_x_url;", "/p",
			"app.test", 502, "", `app.test could not be resolved (110: Operation timed out)`},
		{"unknown name", "resolver " + ns.Addr + "; proxy_pass http://$http_x_url;", "/p", "nowhere.test", 502, "",
			`nowhere.test could not be resolved (3: Host not found)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := pxBuild(t, nil, "/", `http { %s server { location / { %s } } }`, ups, tc.loc)
			g := pxServe(t, s.p)
			req := "GET " + tc.path + " HTTP/1.1\r\nHost: gw\r\n"
			if tc.header != "" {
				req += "X-URL: " + tc.header + "\r\n"
			}
			head, body := g.raw(t, req+"Connection: close\r\n\r\n")
			if !strings.HasPrefix(head, fmt.Sprintf("HTTP/1.1 %d ", tc.code)) {
				t.Fatalf("got %q %q, want %d", head, body, tc.code)
			}
			if tc.body != "" && body != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
			if tc.log != "" && !s.log.has(tc.log) {
				t.Errorf("log %q lacks %q", s.log.String(), tc.log)
			}
		})
	}
}

// TestVariableProxyPassSticky: an upstream reached through a variable
// keeps its session_sticky: the cookie set on the first answer routes the
// next request, and session_sticky_header upstream= of the location names
// that upstream.
func TestVariableProxyPassSticky(t *testing.T) {
	a, b := pxNamedBackend(t, "a"), pxNamedBackend(t, "b")
	s := pxBuild(t, nil, "/", `http { upstream app { server %s; server %s; session_sticky; }
		server { location / { session_sticky_header upstream=app; proxy_pass http://$arg_up; } } }`, a.addr, b.addr)
	g := pxServe(t, s.p)
	head, first := g.raw(t, "GET /?up=app HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
	i := strings.Index(head, "Set-Cookie: route=")
	if i < 0 {
		t.Fatalf("no sticky cookie: %q", head)
	}
	cookie := head[i+len("Set-Cookie: ") : i+strings.IndexAny(head[i:], ";\r")]
	for range 4 {
		_, body := g.raw(t, "GET /?up=app HTTP/1.1\r\nHost: gw\r\nCookie: "+cookie+"\r\nConnection: close\r\n\r\n")
		if body[:1] != first[:1] {
			t.Fatalf("session moved from %q to %q", first, body)
		}
	}
}

// TestVariableProxyPassDirectCacheIsBounded: addresses invented by clients
// do not grow a location's proxies without end.
func TestVariableProxyPassDirectCacheIsBounded(t *testing.T) {
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://$http_x_url; } } }`)
	d := &s.p.vt.direct[0]
	for i := range maxDirect + 10 {
		d.get(fmt.Sprintf("127.0.0.%d:%d", 1+i%200, 1000+i), "h", []string{fmt.Sprintf("127.0.0.1:%d", 1000+i)}, nil)
	}
	if n := len(d.targets); n > maxDirect {
		t.Errorf("%d proxies kept, want <= %d", n, maxDirect)
	}
}

// TestVariableProxyPassConcurrent: requests naming addresses and names at
// once share the location's cache and the resolver's answers safely (run
// under -race by make test's race step).
func TestVariableProxyPassConcurrent(t *testing.T) {
	a := pxNamedBackend(t, "a")
	_, port, _ := strings.Cut(a.addr, ":")
	ns := resolvertest.Start(t, map[string][]netip.Addr{"app.test": {netip.MustParseAddr("127.0.0.1")}}, 60)
	s := pxBuild(t, nil, "/", `http { server { location / { resolver %s; proxy_pass http://$http_x_url; } } }`, ns.Addr)
	g := pxServe(t, s.p)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			host := a.addr
			if i%2 == 1 {
				host = "app.test:" + port
			}
			for range 10 {
				head, body := g.raw(t, "GET /c HTTP/1.1\r\nHost: gw\r\nX-URL: "+host+"\r\nConnection: close\r\n\r\n")
				if !strings.HasPrefix(head, "HTTP/1.1 200 ") || !strings.HasPrefix(body, "a /c") {
					t.Errorf("%s: %q %q", host, head, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := ns.Queries(); n > 2 {
		t.Errorf("%d queries for one name within its TTL (A and AAAA: 2)", n)
	}
}

// TestVariableProxyPassLiteralHost: a value naming the host:port of a
// literal proxy_pass uses that proxy_pass's upstream (its addresses from
// load time), as nginx finds implicit upstreams too: no resolver needed.
func TestVariableProxyPassLiteralHost(t *testing.T) {
	a := pxNamedBackend(t, "a")
	_, port, _ := strings.Cut(a.addr, ":")
	cfg := pxConf(t, fmt.Sprintf(`http { server {
		location / { proxy_pass http://$http_x_url; }
		location /lit { proxy_pass http://localhost:%s; } } }`, port))
	log := &pxLog{}
	b := NewBuilder(Options{Log: zerolog.New(log)})
	p, err := b.Proxy(pxLocation(t, cfg, "/"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Proxy(pxLocation(t, cfg, "/lit")); err != nil {
		t.Fatal(err)
	}
	g := pxServe(t, p)
	head, body := g.raw(t, "GET /x HTTP/1.1\r\nHost: gw\r\nX-URL: LOCALHOST:"+port+"\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 200 ") || !strings.EqualFold(body, "a /x host=localhost:"+port) {
		t.Fatalf("%q %q\n%s", head, body, log)
	}
}
