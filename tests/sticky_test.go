package tests

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

// session_sticky end to end: the real gw in front of gw-demo backends. The
// sids are computed here as Tengine computes them, the hex MD5 of the
// server's "ip:port", without asking gw.

// sid is Tengine's server identifier of a backend address.
func sid(addr string) string {
	sum := md5.Sum([]byte(addr))
	return hex.EncodeToString(sum[:])
}

// stickyReq sends method to url with a Cookie header ("" for none).
func stickyReq(t *testing.T, method, url, cookie string) response {
	t.Helper()
	req := mustRequest(t, method, url, "")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	return do(t, req)
}

// setCookieOf returns the value of the last Set-Cookie of the answer that
// sets cookie name (gw's comes after the backend's) and its attributes;
// ok is false when there is none.
func setCookieOf(r response, name string) (value, attrs string, ok bool) {
	lines := r.header.Values("Set-Cookie")
	for i := len(lines) - 1; i >= 0; i-- {
		pair, rest, _ := strings.Cut(lines[i], ";")
		if n, v, found := strings.Cut(pair, "="); found && strings.TrimSpace(n) == name {
			return strings.TrimSpace(v), strings.TrimSpace(rest), true
		}
	}
	return "", "", false
}

// echoedCookies returns the Cookie lines a gw-demo /echo answer shows the
// backend received.
func echoedCookies(r response) []string {
	var out []string
	for _, l := range strings.Split(r.body, "\n") {
		if v, ok := strings.CutPrefix(l, "header Cookie: "); ok {
			out = append(out, v)
		}
	}
	return out
}

// demoPair starts two gw-demo backends and returns their addresses and a
// map from address to name.
func demoPair(t *testing.T) (b1, b2 string, names map[string]string) {
	b1, b2 = startDemo(t, "b1"), startDemo(t, "b2")
	return b1, b2, map[string]string{b1: "b1", b2: "b2"}
}

// TestStickyModesOptionsFallback runs every mode x option x fallback: a new
// session gets the cookie of the backend that answered, a client replaying
// it stays there (the backend sees what cleaning leaves of it), and a
// cookie for an unknown server is a new session with fallback=on and a 502
// with fallback=off.
func TestStickyModesOptionsFallback(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	addrOf := map[string]string{"b1": b1, "b2": b2}
	type combo struct {
		name, params string
		backendSets  bool   // mode=rewrite/prefix: the backend must set the cookie
		clean        bool   // session_sticky_header at the location
		seen         string // what the backend's Cookie shows on replay: "cookie", "none", "unprefixed"
	}
	var combos []combo
	for _, fb := range []string{"on", "off"} {
		combos = append(combos,
			combo{"ins_" + fb, "fallback=" + fb, false, false, "cookie"},
			combo{"ind_" + fb, "option=indirect fallback=" + fb, false, true, "none"},
			combo{"rw_" + fb, "mode=rewrite fallback=" + fb, true, false, "cookie"},
			combo{"pre_" + fb, "mode=prefix fallback=" + fb, true, true, "unprefixed"},
		)
	}
	a := addr(freePort(t))
	var ups, locs strings.Builder
	for _, c := range combos {
		fmt.Fprintf(&ups, "    upstream %s { server %s; server %s; session_sticky cookie=%s %s; }\n", c.name, b1, b2, c.name, c.params)
		clean := ""
		if c.clean {
			clean = "session_sticky_header upstream=" + c.name + "; "
		}
		fmt.Fprintf(&locs, "        location /%s/ { %sproxy_pass http://%s/; }\n", c.name, clean, c.name)
	}
	startGW(t, fmt.Sprintf("events {}\nhttp {\n%s    server {\n        listen %s;\n%s    }\n}\n", ups.String(), a, locs.String()), a)

	for _, c := range combos {
		t.Run(c.name, func(t *testing.T) {
			base := "http://" + a + "/" + c.name
			first := base + "/echo"
			if c.backendSets {
				first = base + "/set-cookie?name=" + c.name + "&value=app1&attrs=Path%3D%2F"
			}
			r := stickyReq(t, "GET", first, "")
			value, attrs, ok := setCookieOf(r, c.name)
			server := backendOf(r)
			want := sid(addrOf[server])
			if strings.HasPrefix(c.name, "pre") {
				want += "~app1" // prefix: SID~ before the backend's value
			}
			if !ok || value != want || attrs != "Path=/" {
				t.Fatalf("new session on %s: Set-Cookie %q, want %s=%s; Path=/", server, r.header.Values("Set-Cookie"), c.name, want)
			}
			cookie := c.name + "=" + value
			for i := 0; i < 5; i++ {
				r := stickyReq(t, "GET", base+"/echo", "x=1; "+cookie)
				if backendOf(r) != server || r.status != 200 {
					t.Fatalf("replay %d went to %s (%d), want %s", i, backendOf(r), r.status, server)
				}
				if _, _, again := setCookieOf(r, c.name); again {
					t.Errorf("replay %d got a cookie again: %q", i, r.header.Values("Set-Cookie"))
				}
				seen := strings.Join(echoedCookies(r), " | ")
				wantSeen := map[string]string{"cookie": "x=1; " + cookie, "none": "x=1", "unprefixed": "x=1; " + c.name + "=app1"}[c.seen]
				if seen != wantSeen {
					t.Fatalf("backend saw Cookie %q, want %q", seen, wantSeen)
				}
			}
			if !c.backendSets {
				// The backend sets the cookie's name itself on a new session:
				// option=direct sends its line and then gw's, indirect only gw's.
				r := stickyReq(t, "GET", base+"/set-cookie?name="+c.name+"&value=own", "")
				mine := c.name + "=" + sid(addrOf[backendOf(r)]) + "; Path=/"
				want := []string{c.name + "=own", mine}
				if strings.HasPrefix(c.name, "ind") {
					want = want[1:]
				}
				if got := r.header.Values("Set-Cookie"); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("backend's own cookie: Set-Cookie %q, want %q", got, want)
				}
			}
			unknown := c.name + "=0123456789abcdef0123456789abcdef"
			if strings.HasPrefix(c.name, "pre") {
				unknown += "~app1"
			}
			r = stickyReq(t, "GET", base+"/echo", unknown)
			switch {
			case strings.HasSuffix(c.name, "_off"):
				if r.status != 502 {
					t.Errorf("unknown sid with fallback=off: %d, want 502", r.status)
				}
			case r.status != 200:
				t.Errorf("unknown sid with fallback=on: %d", r.status)
			case !c.backendSets:
				if v, _, ok := setCookieOf(r, c.name); !ok || v != sid(addrOf[backendOf(r)]) {
					t.Errorf("unknown sid with fallback=on: no new cookie for %s: %q", backendOf(r), r.header.Values("Set-Cookie"))
				}
			}
		})
	}
}

// TestStickyReplayStaysWhileCookielessAlternates: a browser that keeps the
// cookie stays on one backend for 10 requests while a cookieless client,
// interleaved with it, alternates: a cookie that names an available server
// is routed there directly, so sticky requests take no turn from the
// balancer and leave its state untouched.
func TestStickyReplayStaysWhileCookielessAlternates(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; server %[3]s; session_sticky; }
    server { listen %[1]s; location / { proxy_pass http://app; } }
}`, a, b1, b2), a)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	var stuck, alternating []string
	for i := 0; i < 10; i++ {
		resp, err := browser.Get("http://" + a + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		stuck = append(stuck, resp.Header.Get("X-Backend"))
		alternating = append(alternating, backendOf(get(t, a, "", "/")))
	}
	for i := range stuck {
		if stuck[i] != stuck[0] {
			t.Fatalf("the cookie client moved: %v", stuck)
		}
		if i > 0 && alternating[i] == alternating[i-1] {
			t.Fatalf("the cookieless client did not alternate: %v", alternating)
		}
	}
}

// TestStickyDrainDownAndBackups: a drain server takes no new session but
// keeps its clients; a server marked down sends its clients elsewhere with
// a new cookie; a backup server has a sid and keeps the clients it has.
func TestStickyDrainDownAndBackups(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream dr { server %[2]s drain; server %[3]s; session_sticky cookie=dr; }
    upstream dn { server %[2]s down; server %[3]s; session_sticky cookie=dn; }
    upstream bk { server %[2]s; server %[3]s backup; session_sticky cookie=bk; }
    server {
        listen %[1]s;
        location /dr/ { proxy_pass http://dr/; }
        location /dn/ { proxy_pass http://dn/; }
        location /bk/ { proxy_pass http://bk/; }
    }
}`, a, b1, b2), a)
	base := "http://" + a
	for i := 0; i < 3; i++ {
		if r := stickyReq(t, "GET", base+"/dr/", ""); backendOf(r) != "b2" {
			t.Fatalf("new session went to the drain server %s", backendOf(r))
		}
	}
	r := stickyReq(t, "GET", base+"/dr/", "dr="+sid(b1))
	if _, _, again := setCookieOf(r, "dr"); backendOf(r) != "b1" || again {
		t.Errorf("drain server's client: %s, Set-Cookie %q", backendOf(r), r.header.Values("Set-Cookie"))
	}
	r = stickyReq(t, "GET", base+"/dn/", "dn="+sid(b1))
	if v, _, _ := setCookieOf(r, "dn"); backendOf(r) != "b2" || v != sid(b2) {
		t.Errorf("down server's client: %s, Set-Cookie %q", backendOf(r), r.header.Values("Set-Cookie"))
	}
	if r := stickyReq(t, "GET", base+"/bk/", ""); backendOf(r) != "b1" {
		t.Errorf("new session went to the backup %s", backendOf(r))
	}
	if r := stickyReq(t, "GET", base+"/bk/", "bk="+sid(b2)); backendOf(r) != "b2" {
		t.Errorf("backup's client went to %s", backendOf(r))
	}
}

// TestStickyKilledBackend: the cookie's backend dies. With fallback=on the
// client is moved and gets the new server's cookie, and stays there when
// the old one is back (stickiness never fails back by itself: by then the
// session's state lives on the new server); with fallback=off it gets 502.
func TestStickyKilledBackend(t *testing.T) {
	t.Parallel()
	b1 := startDemo(t, "b1")
	victimProc, victim := startDemoCmd(t, "victim")
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream on  { server %[2]s; server %[3]s; session_sticky cookie=on; }
    upstream off { server %[2]s; server %[3]s; session_sticky cookie=off fallback=off; }
    server {
        listen %[1]s;
        location /on/ { proxy_pass http://on/; }
        location /off/ { proxy_pass http://off/; }
    }
}`, a, victim, b1), a)
	base := "http://" + a
	if r := stickyReq(t, "GET", base+"/on/", "on="+sid(victim)); backendOf(r) != "victim" {
		t.Fatalf("before the kill the cookie went to %s", backendOf(r))
	}
	victimProc.kill()
	waitFor(t, "the victim's port to close", func() bool {
		c, err := net.DialTimeout("tcp", victim, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	r := stickyReq(t, "GET", base+"/on/", "on="+sid(victim))
	v, _, _ := setCookieOf(r, "on")
	if r.status != 200 || backendOf(r) != "b1" || v != sid(b1) {
		t.Fatalf("fallback=on after the kill: %d from %s, Set-Cookie %q", r.status, backendOf(r), r.header.Values("Set-Cookie"))
	}
	for i := 0; i < 3; i++ {
		if r := stickyReq(t, "GET", base+"/off/", "off="+sid(victim)); r.status != 502 {
			t.Fatalf("fallback=off after the kill: %d from %s, want 502", r.status, backendOf(r))
		}
	}
	// The moved client stays on its new server.
	for i := 0; i < 3; i++ {
		if r := stickyReq(t, "GET", base+"/on/", "on="+v); backendOf(r) != "b1" {
			t.Fatalf("the moved client went to %s", backendOf(r))
		}
	}
}

// TestStickyTwoGatewaysAgree: two gw processes with the same configuration
// send one cookie to one backend with no shared state: a sid is computed
// from the configuration alone, and the timestamps travel in the cookie.
func TestStickyTwoGatewaysAgree(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	const conf = `
events {}
http {
    upstream app { server %[2]s; server %[3]s; session_sticky option=indirect maxidle=1h; }
    server { listen %[1]s; location / { session_sticky_header upstream=app; proxy_pass http://app; } }
}`
	a1, a2 := addr(freePort(t)), addr(freePort(t))
	startGW(t, fmt.Sprintf(conf, a1, b1, b2), a1)
	startGW(t, fmt.Sprintf(conf, a2, b1, b2), a2)
	for _, first := range []string{a1, a2, a1} {
		r := get(t, first, "", "/")
		value, _, ok := setCookieOf(r, "route")
		if !ok {
			t.Fatalf("no cookie from %s", first)
		}
		for i, gw := range []string{a1, a2, a2, a1} {
			if r2 := stickyReq(t, "GET", "http://"+gw+"/", "route="+value); backendOf(r2) != backendOf(r) {
				t.Fatalf("request %d through %s went to %s, the cookie names %s", i, gw, backendOf(r2), backendOf(r))
			}
		}
	}
}

// TestStickyTengineCookies: a cookie that Tengine issued, the hex MD5 of
// "127.0.0.1:PORT", routes to the server at that address: gw's default
// sid is Tengine's, so a site that moves from Tengine keeps its sessions.
func TestStickyTengineCookies(t *testing.T) {
	t.Parallel()
	b1, b2, names := demoPair(t)
	b3 := startDemo(t, "b3")
	names[b3] = "b3"
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; server %[3]s; server %[4]s; session_sticky; }
    server { listen %[1]s; location / { proxy_pass http://app; } }
}`, a, b1, b2, b3), a)
	for _, target := range []string{b3, b1, b2, b3} {
		sum := md5.Sum([]byte(target)) // what Tengine put in the cookie
		r := stickyReq(t, "GET", "http://"+a+"/", "route="+hex.EncodeToString(sum[:]))
		if backendOf(r) != names[target] {
			t.Errorf("Tengine cookie for %s went to %s", target, backendOf(r))
		}
		if _, _, again := setCookieOf(r, "route"); again {
			t.Errorf("a valid Tengine cookie was replaced: %q", r.header.Values("Set-Cookie"))
		}
	}
}
