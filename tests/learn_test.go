package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nginx Plus's sticky (learn, cookie, route) end to end: the real gw in
// front of two gw-demo backends, whose page creates a session (a PHPSESSID
// cookie and an X-Session header) and counts its visits.

const learnConfig = `
error_log stderr info;
events {}
http {
    access_log off;
    upstream app {
        server %s;
        server %s;
        %s
    }
    server {
        listen %s;
        location / { proxy_pass http://app; }
        location = /status { gw_status; }
    }
}
`

// page is one request for / with the given Cookie and X-Session ("" for
// none): the backend that answered, the session and its visit count.
type page struct {
	server, session string
	visits          int
	setCookie       string
}

func visit(t *testing.T, a, cookie, session string) page {
	t.Helper()
	req := mustRequest(t, "GET", "http://"+a+"/", "")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if session != "" {
		req.Header.Set("X-Session", session)
	}
	r := do(t, req)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var p page
	for _, l := range strings.Split(r.body, "\n") {
		k, v, _ := strings.Cut(l, ": ")
		switch k {
		case "server":
			p.server = v
		case "session":
			p.session = v
		case "visits":
			fmt.Sscan(v, &p.visits)
		}
	}
	p.setCookie = r.header.Get("Set-Cookie")
	return p
}

// startLearn starts two backends and gw with the sticky line given.
func startLearn(t *testing.T, sticky string) (a string, p *gwProcess, b1, b2 string) {
	t.Helper()
	b1, b2 = startDemo(t, "b1"), startDemo(t, "b2")
	a = addr(freePort(t))
	p = startGW(t, fmt.Sprintf(learnConfig, b1, b2, sticky, a), a)
	return a, p, b1, b2
}

// sticksTo sends n requests of one session and fails unless every one
// lands on server, continuing its visit count.
func sticksTo(t *testing.T, a, server string, first page, n int, cookie, header bool) {
	t.Helper()
	for i := 1; i <= n; i++ {
		c, h := "", ""
		if cookie {
			c = "PHPSESSID=" + first.session
		}
		if header {
			h = first.session
		}
		got := visit(t, a, c, h)
		if got.server != server || got.session != first.session || got.visits != first.visits+i {
			t.Fatalf("visit %d of session %s on %s: got %+v", i+1, first.session, server, got)
		}
	}
}

func TestStickyLearnFromSetCookie(t *testing.T) {
	t.Parallel()
	a, _, _, _ := startLearn(t, "sticky learn create=$upstream_cookie_PHPSESSID lookup=$cookie_PHPSESSID zone=sessions:1m;")
	servers := map[string]bool{}
	for range 4 {
		first := visit(t, a, "", "")
		if first.visits != 1 || !strings.HasPrefix(first.setCookie, "PHPSESSID="+first.session) {
			t.Fatalf("a new session: %+v", first)
		}
		servers[first.server] = true
		sticksTo(t, a, first.server, first, 6, true, false)
	}
	if len(servers) != 2 {
		t.Fatalf("new sessions all went to %v: they are balanced", servers)
	}
}

func TestStickyLearnFromResponseHeader(t *testing.T) {
	t.Parallel()
	a, _, _, _ := startLearn(t, "sticky learn create=$upstream_http_x_session lookup=$http_x_session zone=api:1m header;")
	for range 3 {
		first := visit(t, a, "", "")
		sticksTo(t, a, first.server, first, 5, false, true)
	}
}

// A session unused for timeout is forgotten: two requests in a row that
// carry it are then balanced, and round robin sends one of them to the
// other backend.
func TestStickyLearnExpiry(t *testing.T) {
	t.Parallel()
	a, _, _, _ := startLearn(t, "sticky learn create=$upstream_cookie_PHPSESSID lookup=$cookie_PHPSESSID zone=short:1m timeout=1s;")
	first := visit(t, a, "", "")
	sticksTo(t, a, first.server, first, 3, true, false)
	// Unused for longer than timeout (every use refreshes it).
	idle := time.Now()
	waitFor(t, "the session to stay unused for 1.2s", func() bool { return time.Since(idle) > 1200*time.Millisecond })
	r1 := visit(t, a, "PHPSESSID="+first.session, "")
	r2 := visit(t, a, "PHPSESSID="+first.session, "")
	if r1.server == first.server && r2.server == first.server {
		t.Fatalf("an expired session still sticks to %s", first.server)
	}
}

// At its size bound the zone forgets the sessions used least recently;
// the most recent keep sticking. A 32k zone holds 125 sessions (4,000
// per megabyte), 128 once spread over the table's 16 shards.
func TestStickyLearnEvictsAtTheSizeBound(t *testing.T) {
	t.Parallel()
	a, _, _, _ := startLearn(t, "sticky learn create=$upstream_cookie_PHPSESSID lookup=$cookie_PHPSESSID zone=tiny:32k;")
	oldest := visit(t, a, "", "")
	var last page
	for range 800 {
		last = visit(t, a, "", "")
	}
	sticksTo(t, a, last.server, last, 4, true, false)
	moved := false
	for range 4 {
		if visit(t, a, "PHPSESSID="+oldest.session, "").server != oldest.server {
			moved = true
		}
	}
	if !moved {
		t.Fatal("the oldest of 801 sessions still sticks in a zone of 128")
	}
	// The status page counts what was forgotten.
	r := get(t, a, "", "/status?format=json")
	var doc struct {
		Upstreams []struct {
			Learned struct {
				Zone               string
				Sessions, Capacity int
				Evicted            uint64
			} `json:"learned"`
		} `json:"upstreams"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || len(doc.Upstreams) != 1 {
		t.Fatalf("status: %v\n%s", err, r.body)
	}
	l := doc.Upstreams[0].Learned
	if l.Zone != "tiny" || l.Capacity != 128 || l.Sessions > 128 || l.Evicted < 801-128 {
		t.Fatalf("learned %+v, want zone tiny, capacity 128, at least %d evicted", l, 801-128)
	}
}

// A reload that keeps the upstream keeps its sessions, whatever the order
// of its servers (a session names its server by address, not position);
// one that removes a server forgets that server's sessions.
func TestStickyLearnAcrossReloads(t *testing.T) {
	t.Parallel()
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	a := addr(freePort(t))
	line := "sticky learn create=$upstream_cookie_PHPSESSID lookup=$cookie_PHPSESSID zone=kept:1m;"
	p := startGW(t, fmt.Sprintf(learnConfig, b1, b2, line, a), a)
	var on1, on2 page
	for on1.session == "" || on2.session == "" {
		s := visit(t, a, "", "")
		if s.server == "b1" {
			on1 = s
		} else {
			on2 = s
		}
	}
	reload := func(config string) {
		t.Helper()
		conf := filepath.Join(p.prefix, "conf", "gw.conf")
		if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		before := strings.Count(p.stderr.String(), "configuration reloaded")
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the reload", func() bool { return strings.Count(p.stderr.String(), "configuration reloaded") > before })
	}
	reload(fmt.Sprintf(learnConfig, b2, b1, line, a)) // the servers swapped
	sticksTo(t, a, "b1", on1, 3, true, false)
	sticksTo(t, a, "b2", on2, 3, true, false)

	// b1 leaves, a third server joins: b2's sessions stay, b1's are
	// balanced between b2 and b3.
	b3 := startDemo(t, "b3")
	reload(fmt.Sprintf(learnConfig, b2, b3, line, a))
	sticksTo(t, a, "b2", page{server: "b2", session: on2.session, visits: on2.visits + 3}, 3, true, false)
	servers := map[string]bool{}
	for range 4 {
		servers[visit(t, a, "PHPSESSID="+on1.session, "").server] = true
	}
	if len(servers) != 2 {
		t.Fatalf("a session of the removed server went to %v, not balanced", servers)
	}
}

// nginx Plus's sticky cookie: gw inserts srv_id, the route= of the
// server that answered (or the MD5 of its address), with the attributes
// configured, and a client replaying it stays there.
func TestStickyCookieNginxPlus(t *testing.T) {
	t.Parallel()
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	a := addr(freePort(t))
	config := fmt.Sprintf(learnConfig, b1+" route=one", b2,
		"sticky cookie srv_id expires=1h domain=.example.com path=/ httponly samesite=lax;", a)
	startGW(t, config, a)
	values := map[string]string{"b1": "one", "b2": sid(b2)}
	seen := map[string]bool{}
	for range 4 {
		r := stickyReq(t, "GET", "http://"+a+"/", "")
		server := headerOf(r, "X-Backend")
		v, attrs, ok := setCookieOf(r, "srv_id")
		if !ok || v != values[server] {
			t.Fatalf("%s answered with srv_id %q (%v), want %q", server, v, ok, values[server])
		}
		for _, want := range []string{"Domain=.example.com", "Path=/", "Max-Age=3600", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(attrs, want) {
				t.Fatalf("srv_id attributes %q lack %s", attrs, want)
			}
		}
		seen[server] = true
		for range 3 {
			if got := headerOf(stickyReq(t, "GET", "http://"+a+"/", "srv_id="+v), "X-Backend"); got != server {
				t.Fatalf("srv_id=%s went to %s, not %s", v, got, server)
			}
		}
	}
	if len(seen) != 2 {
		t.Fatalf("new visitors all went to %v", seen)
	}
}

// nginx Plus's sticky route: the first non-empty variable names the
// server by its route=; no route, or an unknown one, is balanced.
func TestStickyRouteNginxPlus(t *testing.T) {
	t.Parallel()
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	a := addr(freePort(t))
	config := fmt.Sprintf(learnConfig, b1+" route=a", b2+" route=b", "sticky route $cookie_route $arg_route;", a)
	startGW(t, config, a)
	for _, tc := range []struct{ uri, cookie, want string }{
		{"/?route=b", "", "b2"},
		{"/?route=a", "", "b1"},
		{"/", "route=b", "b2"},
		{"/?route=a", "route=b", "b2"}, // the cookie comes first
	} {
		for range 3 {
			if got := headerOf(stickyReq(t, "GET", "http://"+a+tc.uri, tc.cookie), "X-Backend"); got != tc.want {
				t.Fatalf("%s with cookie %q went to %s, want %s", tc.uri, tc.cookie, got, tc.want)
			}
		}
	}
	seen := map[string]bool{}
	for range 4 {
		seen[headerOf(stickyReq(t, "GET", "http://"+a+"/?route=zzz", ""), "X-Backend")] = true
	}
	if len(seen) != 2 {
		t.Fatalf("an unknown route went only to %v", seen)
	}
}

func headerOf(r response, name string) string { return r.header.Get(name) }

// HAProxy's `stick on src`, translated: the client's address is the
// session. Every request from this test's address goes where the first
// one went, though round robin would alternate.
func TestStickyLearnSourceAddress(t *testing.T) {
	t.Parallel()
	a, _, _, _ := startLearn(t, "sticky learn create=$remote_addr lookup=$remote_addr zone=src:1m;")
	first := headerOf(stickyReq(t, "GET", "http://"+a+"/", ""), "X-Backend")
	for range 6 {
		if got := headerOf(stickyReq(t, "GET", "http://"+a+"/", ""), "X-Backend"); got != first {
			t.Fatalf("a request from the same address went to %s, the first to %s", got, first)
		}
	}
}
