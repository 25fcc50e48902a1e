package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/statuspage"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/parser"
	"github.com/gw-proxy/gw/upstream"
)

// fakeRuntime serves upstreams built from a configuration text, without
// sockets: the API sees what serve.Server would show it.
type fakeRuntime struct {
	cfg     *conf.Config
	ups     []*upstream.Upstream
	log     bytes.Buffer
	reloads int
}

func newFake(t *testing.T, http string) *fakeRuntime {
	t.Helper()
	tree, err := parser.Parse("t.conf", []byte("events {}\nhttp {\n"+http+"\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := conf.Build(tree, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRuntime{cfg: cfg}
	store := upstream.NewStateStore()
	for _, u := range cfg.HTTP.Upstreams {
		up, err := upstream.NewUpstream(u, store)
		if err != nil {
			t.Fatal(err)
		}
		f.ups = append(f.ups, up)
	}
	return f
}

func (f *fakeRuntime) Status() *statuspage.Status {
	st := &statuspage.Status{Upstreams: []statuspage.Upstream{}}
	for _, up := range f.ups {
		s := up.Snapshot(t0)
		st.Upstreams = append(st.Upstreams, statuspage.UpstreamOf(&s, nil))
	}
	return st
}

func (f *fakeRuntime) Peer(name, key string) (*upstream.PeerState, error) {
	for _, up := range f.ups {
		if strings.EqualFold(up.Conf.Name, name) {
			if p := up.PeerByKey(key); p != nil {
				return p.State(), nil
			}
			return nil, errors.New("no server " + key)
		}
	}
	return nil, errors.New("no upstream " + name)
}

func (f *fakeRuntime) Config() *conf.Config { return f.cfg }
func (f *fakeRuntime) Reload() error        { f.reloads++; return nil }
func (f *fakeRuntime) ErrorLog() zerolog.Logger {
	return zerolog.New(&f.log)
}

// Check is gw -t's configuration checks (conf.Load) on the fake's file
// with overlay in place; serve.Server's adds the compile step.
func (f *fakeRuntime) Check(overlay map[string][]byte) error {
	_, err := conf.Load(conf.LoadOptions{Prefix: f.cfg.Prefix, File: f.cfg.File, Overlay: overlay})
	return err
}

// testHTTP is the configuration of the tests: app balances round robin,
// its second line has an id; hashed keeps the configured weights.
const testHTTP = `
upstream app { server 10.0.0.1:80; server 10.0.0.2:80 id=b weight=2; server 10.0.0.1:80; }
upstream hashed { hash $request_uri; server 10.0.0.3:80; }
`

// call sends one request to a, as user "ops" from 192.0.2.7, and returns
// the status, the Allow header and the body.
func call(a *API, method, uri, contentType, body string) (int, string, string) {
	var req fasthttp.Request
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	if contentType != "" {
		req.Header.SetContentType(contentType)
	}
	if body != "" {
		req.SetBodyString(body)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 4242}, nil)
	a.Serve(&ctx, "ops", &pages.Page{Kind: pages.API, TransactionTimeout: pages.DefaultTransactionTimeout})
	return ctx.Response.StatusCode(), string(ctx.Response.Header.Peek("Allow")), string(ctx.Response.Body())
}

// TestRouting: which paths exist, what methods they take, and that every
// error is the JSON error body with its status.
func TestRouting(t *testing.T) {
	a := New(newFake(t, testHTTP))
	for _, tc := range []struct {
		method, uri string
		status      int
		allow       string
		has         string // a piece of the body
	}{
		{"GET", "/api/v1/", 200, "", `"/api/v1/upstreams"`},
		{"GET", "/api/v1", 200, "", `"resources"`},
		{"GET", "/api/v1/upstreams", 200, "", `"name": "hashed"`},
		{"HEAD", "/api/v1/upstreams/", 200, "", `"name": "app"`},
		{"GET", "/api/v1/upstreams/APP", 200, "", `"key": "10.0.0.1:80#2"`},
		{"GET", "/api/v1/upstreams/app/servers", 200, "", `"key": "b"`},
		{"GET", "/api/v1/upstreams/app/servers/b", 200, "", `"config_weight": 2`},
		{"GET", "/api/v1/upstreams/app/servers/10.0.0.1:80%232", 200, "", `"key": "10.0.0.1:80#2"`},
		{"GET", "/api/v2/upstreams", 404, "", `the API's paths start with /api/v1/`},
		{"GET", "/status", 404, "", `"code":404`},
		{"GET", "/api/v1/nothing", 404, "", `no such resource: /api/v1/nothing`},
		{"GET", "/api/v1/upstreams/none", 404, "", `no upstream \"none\"`},
		{"GET", "/api/v1/upstreams/none/servers", 404, "", `no upstream \"none\"`},
		{"GET", "/api/v1/upstreams/app/servers/10.0.0.2:80", 404, "", `no server \"10.0.0.2:80\" in upstream \"app\"`},
		{"GET", "/api/v1/upstreams/app/peers", 404, "", `no such resource`},
		{"GET", "/api/v1/upstreams/app/servers/b/x", 404, "", `no such resource`},
		{"POST", "/api/v1/upstreams", 405, "GET, HEAD", `method POST not allowed on /api/v1/upstreams`},
		{"DELETE", "/api/v1/upstreams/app/servers/b", 405, "GET, HEAD, PATCH", `"code":405`},
		{"PUT", "/api/v1/", 405, "GET, HEAD", `"code":405`},
		{"GET", "/api/v1/configuration", 200, "", `"/api/v1/configuration/upstreams"`},
		{"POST", "/api/v1/transactions/x", 404, "", `transaction \"x\" not found`},
	} {
		status, allow, body := call(a, tc.method, tc.uri, "", "")
		if status != tc.status || allow != tc.allow || !strings.Contains(body, tc.has) {
			t.Errorf("%s %s: %d Allow %q\n%s\nwant %d Allow %q with %s", tc.method, tc.uri, status, allow, body, tc.status, tc.allow, tc.has)
		}
		if status >= 400 {
			var e errorBody
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != status || e.Message == "" {
				t.Errorf("%s %s: error body %q is not {code, message}", tc.method, tc.uri, body)
			}
		}
	}
}
