package persist

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/resphead"
)

// The session_sticky tests' helpers are prefixed st. Their upstream has
// one server of every kind, at addresses nothing listens on: Choose,
// Request and Respond never dial.
const (
	stA      = iota // 10.0.0.1:80
	stB             // 10.0.0.2:80
	stDrain         // 10.0.0.3:80 drain
	stDown          // 10.0.0.4:80 down
	stBackup        // 10.0.0.5:80 backup
	stFull          // 10.0.0.6:80 max_conns=1
)

const stServers = `server 10.0.0.1:80; server 10.0.0.2:80; server 10.0.0.3:80 drain;
	server 10.0.0.4:80 down; server 10.0.0.5:80 backup; server 10.0.0.6:80 max_conns=1;`

// stSID is Tengine's sid of server i of the fixture: the hex MD5 of its
// address, computed here independently of the sticky package.
func stSID(i int) string {
	sum := md5.Sum([]byte(fmt.Sprintf("10.0.0.%d:80", i+1)))
	return hex.EncodeToString(sum[:])
}

// stFixture is session_sticky over the fixture upstream, as location /
// of the configuration sees it.
type stFixture struct {
	sp    *stickyPersistence
	up    *upstream.Upstream
	scope Scope
}

// stBuild compiles `upstream u { <fixture servers> session_sticky <params>; }`
// and a location / with extra directives.
func stBuild(t testing.TB, params, loc string) *stFixture {
	t.Helper()
	l := stLocation(t, fmt.Sprintf(`http { upstream u { %s session_sticky %s; }
		server { location / { proxy_pass http://u; %s } } }`, stServers, params, loc))
	up, err := upstream.NewUpstream(l.Settings.ProxyPass.Upstream, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Sticky(up)
	if err != nil {
		t.Fatal(err)
	}
	sp, ok := p.(*stickyPersistence)
	if !ok {
		t.Fatalf("persistence %T, want session_sticky's", p)
	}
	return &stFixture{sp: sp, up: up, scope: NewScope(&l.Settings.Sticky, up.Name())}
}

// stLocation builds a configuration and returns the first location of
// its first server.
func stLocation(t testing.TB, src string) *conf.Location {
	t.Helper()
	tree, err := parser.Parse("test.conf", []byte("events {}\n"+src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	cfg, err := conf.Build(tree, t.TempDir())
	if err != nil {
		t.Fatalf("build: %v\n%s", err, src)
	}
	return cfg.HTTP.Servers[0].Locations[0]
}

// request parses a raw request head (CRLFs added) into a Request at t0, as
// the exchange prepares one.
func (f *stFixture) request(t testing.TB, head string) *Request {
	t.Helper()
	raw := strings.ReplaceAll(strings.TrimSpace(head), "\n", "\r\n") + "\r\n\r\n"
	ctx := &fasthttp.RequestCtx{}
	if err := ctx.Request.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatalf("request %q: %v", raw, err)
	}
	return &Request{Ctx: ctx, R: &vars.Request{Ctx: ctx}, Scope: &f.scope, Now: t0}
}

// choose runs Choose, which session_sticky never fails.
func (f *stFixture) choose(r *Request) Choice {
	c, err := f.sp.Choose(r)
	if err != nil {
		panic(err)
	}
	return c
}

// get is a GET / with the given extra header lines.
func (f *stFixture) get(t testing.TB, lines ...string) *Request {
	t.Helper()
	return f.request(t, "GET / HTTP/1.1\nHost: gw\n"+strings.Join(lines, "\n"))
}

// stResponse reads a raw upstream response head the way the transport
// reads one: header names keep their case.
func stResponse(t testing.TB, head string) *resphead.Head {
	t.Helper()
	raw := strings.ReplaceAll(strings.TrimSpace(head), "\n", "\r\n") + "\r\n\r\n"
	h := &resphead.Head{}
	if _, _, ok := h.Parse([]byte(raw)); !ok {
		t.Fatalf("response %q: not in the common form", raw)
	}
	return h
}

// setCookies lists the Set-Cookie values of h in order.
func setCookies(h *resphead.Head) []string {
	var out []string
	for _, v := range h.Cookies() {
		out = append(out, string(v))
	}
	return out
}

// headerValues lists the values of every line of h named name, any case.
func headerValues(h *resphead.Head, name string) []string {
	var out []string
	for k, v := range h.All() {
		if strings.EqualFold(string(k), name) {
			out = append(out, string(v))
		}
	}
	return out
}

// t0 is the tests' fixed instant.
var t0 = time.Unix(1_700_000_000, 0)

// letter names a peer by its index: "a", "b", ..., "-" for none.
func letter(p *upstream.Peer) string {
	if p == nil {
		return "-"
	}
	return string(rune('a' + p.Index()))
}
