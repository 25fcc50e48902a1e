package proxy

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/resphead"
)

// These tests run session_sticky through the whole proxy: the retry loop,
// the header copy to the client and real loopback backends.

// md5Hex is Tengine's sid of a server address.
func md5Hex(addr string) string {
	sum := md5.Sum([]byte(addr))
	return hex.EncodeToString(sum[:])
}

// stGet sends a raw GET / with an optional Cookie header through g.
func stGet(t *testing.T, g *pxGateway, path, cookie string) (head, body string) {
	t.Helper()
	req := "GET " + path + " HTTP/1.1\r\nHost: gw\r\n"
	if cookie != "" {
		req += "Cookie: " + cookie + "\r\n"
	}
	return g.raw(t, req+"\r\n")
}

// headLines returns the values of the lines of a raw head named name.
func headLines(head, name string) []string {
	var out []string
	for _, l := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// TestStickyBothSetCookieLinesReachTheClient: in option=direct the
// backend's own route cookie and gw's both reach the client, in that order
// (option=direct keeps the backend's), through fasthttp's header copy.
func TestStickyBothSetCookieLinesReachTheClient(t *testing.T) {
	be := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Add("Set-Cookie", "route=backend-own; Path=/")
		ctx.Response.Header.Add("Set-Cookie", "x=1")
		ctx.SetBodyString("ok")
	})
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; session_sticky; }
		server { location / { proxy_pass http://u; } } }`, be.addr)
	g := pxServe(t, s.p)
	head, _ := stGet(t, g, "/", "")
	want := []string{"route=backend-own; Path=/", "x=1", "route=" + md5Hex(be.addr) + "; Path=/"}
	if got := headLines(head, "Set-Cookie"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("client got Set-Cookie:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if g.sticky[0] != "NI" {
		t.Errorf("$sticky_status %q", g.sticky[0])
	}
}

// TestStickyFallbackOnMovesAndReissues: with fallback=on, a failed
// connection to the cookie's server sends the request to the balancer's
// next pick, and the response carries that server's cookie; the client
// then stays there.
func TestStickyFallbackOnMovesAndReissues(t *testing.T) {
	dead := pxDeadAddr(t)
	live := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; session_sticky; }
		server { location / { proxy_pass http://u; } } }`, dead, live.addr)
	g := pxServe(t, s.p)
	head, body := stGet(t, g, "/", "route="+md5Hex(dead))
	if !strings.HasPrefix(head, "HTTP/1.1 200") || body != "ok" {
		t.Fatalf("answer %q %q", head, body)
	}
	tries := g.lastTries()
	if len(tries) != 2 || tries[0].Addr != dead || tries[1].Addr != live.addr {
		t.Errorf("tries %+v, want the cookie's server then the other", tries)
	}
	if got := headLines(head, "Set-Cookie"); len(got) != 1 || got[0] != "route="+md5Hex(live.addr)+"; Path=/" {
		t.Errorf("Set-Cookie %q, want the new server's", got)
	}
	if g.sticky[0] != "VI" {
		t.Errorf("$sticky_status %q, want VI", g.sticky[0])
	}
	// The dead server is out now (max_fails=1): its cookie is "D" and the
	// client is moved at once, without a failed try.
	head, _ = stGet(t, g, "/", "route="+md5Hex(dead))
	if len(g.lastTries()) != 1 || g.sticky[1] != "DI" || len(headLines(head, "Set-Cookie")) != 1 {
		t.Errorf("second request: tries %+v letters %q", g.lastTries(), g.sticky[1])
	}
	// The moved client replays its new cookie and stays, nothing re-sent.
	head, _ = stGet(t, g, "/", "route="+md5Hex(live.addr))
	if g.sticky[2] != "VN" || len(headLines(head, "Set-Cookie")) != 0 {
		t.Errorf("third request: letters %q, head %q", g.sticky[2], head)
	}
}

// TestStickyFallbackOffRetriesTheSamePeer: with fallback=off, the
// cookie's server is tried again until the tries run out, then 502, or 504
// when the tries timed out; the other server never sees the request.
func TestStickyFallbackOffRetriesTheSamePeer(t *testing.T) {
	silent := pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c) // accept, read, never answer
	})
	for _, tc := range []struct {
		name   string
		bad    string
		extra  string
		status int
	}{
		{"refused: 502", pxDeadAddr(t), "", 502},
		{"timed out: 504", silent, "proxy_read_timeout 100ms; proxy_next_upstream error timeout;", 504},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := pxStartBackend(t, nil)
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; session_sticky fallback=off; }
				server { location / { proxy_pass http://u; %s } } }`, tc.bad, live.addr, tc.extra)
			g := pxServe(t, s.p)
			head, _ := stGet(t, g, "/", "route="+md5Hex(tc.bad))
			if !strings.HasPrefix(head, "HTTP/1.1 "+strconv.Itoa(tc.status)) {
				t.Fatalf("answer %q, want %d", head, tc.status)
			}
			tries := g.lastTries()
			if len(tries) != 2 || tries[0].Addr != tc.bad || tries[1].Addr != tc.bad {
				t.Errorf("tries %+v, want the cookie's server twice", tries)
			}
			if live.count() != 0 {
				t.Errorf("the other server saw %d requests", live.count())
			}
			if len(headLines(head, "Set-Cookie")) != 0 {
				t.Errorf("gw's own error got a cookie: %q", head)
			}
		})
	}
}

// TestStickyFallbackOffRefusesWithNothingProxied: a cookie for an
// unavailable server under fallback=off is answered 502 by gw, logged, and
// recorded as a try of the upstream, as "no live upstreams" is.
func TestStickyFallbackOffRefusesWithNothingProxied(t *testing.T) {
	a, b := pxStartBackend(t, nil), pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s down; server %s; session_sticky fallback=off; }
		server { location / { proxy_pass http://u; } } }`, a.addr, b.addr)
	g := pxServe(t, s.p)
	head, body := stGet(t, g, "/", "route="+md5Hex(a.addr))
	if !strings.HasPrefix(head, "HTTP/1.1 502") || body != "gw answered" {
		t.Fatalf("answer %q %q", head, body)
	}
	if a.count()+b.count() != 0 {
		t.Error("the request was proxied")
	}
	if tries := g.lastTries(); len(tries) != 1 || tries[0].Addr != "u" || tries[0].Status != 502 ||
		tries[0].ResponseTime < 0 || tries[0].ConnectTime != vars.Unmeasured {
		t.Errorf("tries %+v, want one of the upstream, timed as nginx times no live upstreams", tries)
	}
	if g.sticky[0] != "DN" || !s.log.has("session_sticky fallback=off") {
		t.Errorf("letters %q, log %s", g.sticky[0], s.log)
	}
	if strings.Contains(head, "Set-Cookie") {
		t.Errorf("a cookie naming a known server was touched: %q", head)
	}
}

// TestStickyFallbackOffClearsUnknownCookie: a cookie naming no server of
// the upstream is refused under fallback=off and cleared in the same
// answer, so the client's next request starts a new session.
func TestStickyFallbackOffClearsUnknownCookie(t *testing.T) {
	a := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; session_sticky fallback=off path=/app; }
		server { location / { proxy_pass http://u; } } }`, a.addr)
	g := pxServe(t, s.p)
	head, _ := stGet(t, g, "/", "route=0123456789abcdef0123456789abcdef")
	if !strings.HasPrefix(head, "HTTP/1.1 502") || !strings.Contains(head, "\r\nSet-Cookie: route=; Path=/app; Max-Age=0\r\n") {
		t.Fatalf("answer %q, want 502 clearing the cookie", head)
	}
	if a.count() != 0 || g.sticky[0] != "IN" {
		t.Errorf("proxied %d, letters %q", a.count(), g.sticky[0])
	}
}

// TestStickyStatusRetryStaysPinned: a response proxy_next_upstream
// rejects is retried on the balancer's next pick with fallback=on, and on
// the same server with fallback=off, whose last answer then passes.
func TestStickyStatusRetryStaysPinned(t *testing.T) {
	busy := pxStartBackend(t, func(ctx *fasthttp.RequestCtx) { ctx.SetStatusCode(503) })
	ok := pxStartBackend(t, nil)
	for _, tc := range []struct {
		fallback string
		status   string
		second   string
	}{
		{"on", "200", ok.addr},
		{"off", "503", busy.addr},
	} {
		t.Run("fallback="+tc.fallback, func(t *testing.T) {
			s := pxBuild(t, nil, "/", `http { upstream u { server %s max_fails=0; server %s; session_sticky fallback=%s; }
				server { location / { proxy_pass http://u; proxy_next_upstream http_503; } } }`, busy.addr, ok.addr, tc.fallback)
			g := pxServe(t, s.p)
			head, _ := stGet(t, g, "/", "route="+md5Hex(busy.addr))
			if !strings.HasPrefix(head, "HTTP/1.1 "+tc.status) {
				t.Fatalf("answer %q", head)
			}
			if tries := g.lastTries(); len(tries) != 2 || tries[1].Addr != tc.second {
				t.Errorf("tries %+v, second should be %s", tries, tc.second)
			}
		})
	}
}

// pinned is a Persistence that binds every request to one peer and pins
// it, to test the loop without a sticky cookie.
type pinned struct{ peer *upstream.Peer }

func (p pinned) Request(*persist.Request) persist.CookieOut { return persist.KeepCookies }
func (p pinned) Choose(*persist.Request) (persist.Choice, error) {
	return persist.Choice{Peer: p.peer, Pin: true}, nil
}
func (p pinned) Respond(*persist.Request, *upstream.Peer, *resphead.Head) {}

// unsure is a Persistence whose store fails: every Choose gives up with
// an error, the way a network-backed store that timed out does.
type unsure struct{ asked atomic.Int64 }

func (p *unsure) Request(*persist.Request) persist.CookieOut { return persist.KeepCookies }
func (p *unsure) Choose(*persist.Request) (persist.Choice, error) {
	p.asked.Add(1)
	return persist.Choice{Status: 502}, persist.ErrTimeout
}
func (p *unsure) Respond(*persist.Request, *upstream.Peer, *resphead.Head) {}

// TestPersistenceFailureBalances: when persistence cannot decide, the
// request is balanced as a new session, whatever else the failed Choice
// says: a store outage never fails a request.
func TestPersistenceFailureBalances(t *testing.T) {
	a, b := pxStartBackend(t, nil), pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
		server { location / { proxy_pass http://u; } } }`, a.addr, b.addr)
	p := &unsure{}
	s.p.persist = p
	g := pxServe(t, s.p)
	for range 4 {
		if code, body := g.get(t, "/"); code != 200 {
			t.Fatalf("got %d %q, want 200", code, body)
		}
	}
	if p.asked.Load() != 4 || a.count() != 2 || b.count() != 2 {
		t.Errorf("asked %d, backends got %d and %d; want 4, 2 and 2 (round robin)", p.asked.Load(), a.count(), b.count())
	}
}

// TestPinnedPeerAtMaxConnsIs502: a pinned peer that fills up between
// Choose and Acquire ends the request; the loop does not spin on it nor
// move the session.
func TestPinnedPeerAtMaxConnsIs502(t *testing.T) {
	a, b := pxStartBackend(t, nil), pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s max_conns=1; server %s; }
		server { location / { proxy_pass http://u; } } }`, a.addr, b.addr)
	full := s.p.up.Peers[0]
	s.p.persist = pinned{full}
	if !full.Acquire(time.Now()) {
		t.Fatal("acquire")
	}
	defer full.Release()
	g := pxServe(t, s.p)
	if code, _ := g.get(t, "/"); code != 502 {
		t.Fatalf("got %d, want 502", code)
	}
	if a.count()+b.count() != 0 || !s.log.has("no live upstreams") {
		t.Errorf("proxied %d, log %s", a.count()+b.count(), s.log)
	}
}

// TestStickyCleanedCookieKeepsItsPlace: the cleaned Cookie line replaces
// the client's first one where it was; the other lines keep their order.
func TestStickyCleanedCookieKeepsItsPlace(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { upstream u { server %s; session_sticky option=indirect; }
		server { location / { proxy_pass http://u; session_sticky_header upstream=u; } } }`, be.addr)
	g := pxServe(t, s.p)
	g.raw(t, "GET / HTTP/1.1\r\nHost: gw\r\nX-A: 1\r\nCookie: a=1; route="+md5Hex(be.addr)+"\r\nX-B: 2\r\ncookie: b=2\r\nX-C: 3\r\n\r\n")
	var names []string
	for _, l := range strings.Split(be.last(t).header, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && (strings.HasPrefix(k, "X-") || strings.EqualFold(k, "cookie")) {
			names = append(names, k+":"+strings.TrimSpace(v))
		}
	}
	if got := strings.Join(names, " "); got != "X-A:1 Cookie:a=1; b=2 X-B:2 X-C:3" {
		t.Errorf("backend saw %s", got)
	}
	// Only the sticky pair: the backend gets no Cookie header at all.
	g.raw(t, "GET / HTTP/1.1\r\nHost: gw\r\nCookie: route="+md5Hex(be.addr)+"\r\n\r\n")
	if h := be.last(t).header; strings.Contains(strings.ToLower(h), "cookie") {
		t.Errorf("backend saw a Cookie header:\n%s", h)
	}
}

// TestStickyPersistenceOncePerUpstream: two locations share one compiled
// policy, each with its own scope.
func TestStickyPersistenceOncePerUpstream(t *testing.T) {
	cfg := pxConf(t, `http { upstream u { server 10.0.0.1:80; session_sticky option=indirect; }
		server { location /a { proxy_pass http://u; session_sticky_header upstream=u; }
		location /b { proxy_pass http://u; session_sticky_bypass 1; } location /c { proxy_pass http://10.0.0.1:80; } } }`)
	b := NewBuilder(Options{Persistence: persist.Sticky})
	pa, err1 := b.Proxy(pxLocation(t, cfg, "/a"))
	pb, err2 := b.Proxy(pxLocation(t, cfg, "/b"))
	pc, err3 := b.Proxy(pxLocation(t, cfg, "/c"))
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if pa.persist == nil || pa.persist != pb.persist {
		t.Error("the locations of one upstream do not share its persistence")
	}
	if !pa.scope.Clean || pb.scope.Clean || len(pa.scope.Bypass) != 0 || len(pb.scope.Bypass) != 1 {
		t.Errorf("scopes %+v %+v", pa.scope, pb.scope)
	}
	if pc.persist != nil {
		t.Error("an upstream without session_sticky got persistence")
	}
}
