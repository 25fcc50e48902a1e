package tests

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// session_sticky's options end to end: postonly, preserve, nocache, the
// cookie attributes, maxidle/maxlife, request cleaning, bypass and the
// access-log letters.

// TestStickyOptions: postonly, preserve, nocache and the attributes of the
// inserted cookie in their fixed order (Domain, Path, Max-Age, Expires,
// then the HttpOnly, Secure and SameSite flags).
func TestStickyOptions(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream po { server %[2]s; server %[3]s; session_sticky cookie=po postonly; }
    upstream pr { server %[2]s; server %[3]s; session_sticky cookie=pr preserve; }
    upstream nc { server %[2]s; server %[3]s; session_sticky cookie=nc nocache; }
    upstream at { server %[2]s; server %[3]s;
                  session_sticky cookie=at domain=example.test path=/at/ maxage=1h httponly secure samesite=strict; }
    server {
        listen %[1]s;
        location /po/ { proxy_pass http://po/; }
        location /pr/ { proxy_pass http://pr/; }
        location /nc/ { proxy_pass http://nc/; }
        location /at/ { proxy_pass http://at/; }
    }
}`, a, b1, b2), a)
	base := "http://" + a

	t.Run("postonly", func(t *testing.T) {
		if r := stickyReq(t, "GET", base+"/po/echo", ""); len(r.header.Values("Set-Cookie")) != 0 {
			t.Errorf("GET got %q", r.header.Values("Set-Cookie"))
		}
		r := stickyReq(t, "POST", base+"/po/echo", "")
		if v, _, ok := setCookieOf(r, "po"); !ok || v != sid(map[string]string{"b1": b1, "b2": b2}[backendOf(r)]) {
			t.Errorf("POST got %q", r.header.Values("Set-Cookie"))
		}
	})
	t.Run("preserve", func(t *testing.T) {
		r := stickyReq(t, "GET", base+"/pr/set-cookie?name=pr&value=mine", "")
		if got := r.header.Values("Set-Cookie"); len(got) != 1 || got[0] != "pr=mine" {
			t.Errorf("backend's own cookie: Set-Cookie %q, want it alone", got)
		}
		if _, _, ok := setCookieOf(stickyReq(t, "GET", base+"/pr/echo", ""), "pr"); !ok {
			t.Error("no backend cookie: nothing inserted")
		}
	})
	t.Run("nocache", func(t *testing.T) {
		r := stickyReq(t, "GET", base+"/nc/echo", "")
		if got := r.header.Values("Cache-Control"); len(got) != 1 || got[0] != "private" {
			t.Errorf("new session: Cache-Control %q, want private", got)
		}
		v, _, _ := setCookieOf(r, "nc")
		if got := stickyReq(t, "GET", base+"/nc/echo", "nc="+v).header.Values("Cache-Control"); len(got) != 0 {
			t.Errorf("no cookie inserted, yet Cache-Control %q", got)
		}
	})
	t.Run("attributes in order", func(t *testing.T) {
		r := stickyReq(t, "GET", base+"/at/echo", "")
		lines := r.header.Values("Set-Cookie")
		want := regexp.MustCompile(`^at=[0-9a-f]{32}; Domain=example\.test; Path=/at/; Max-Age=3600; ` +
			`Expires=(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d\d \d\d:\d\d:\d\d GMT; HttpOnly; Secure; SameSite=Strict$`)
		if len(lines) != 1 || !want.MatchString(lines[0]) {
			t.Fatalf("Set-Cookie %q", lines)
		}
		exp := regexp.MustCompile(`Expires=([^;]+)`).FindStringSubmatch(lines[0])[1]
		when, err := time.Parse("Mon, 02-Jan-06 15:04:05 MST", exp)
		if err != nil || when.Sub(time.Now()) < 59*time.Minute || when.Sub(time.Now()) > 61*time.Minute {
			t.Errorf("Expires %q is not an hour from now (%v)", exp, err)
		}
	})
}

// timedCookie splits a maxidle/maxlife cookie value SID|LASTSEEN|FIRSTSEEN.
func timedCookie(t *testing.T, v string) (sid string, last, first int64) {
	t.Helper()
	f := strings.Split(v, "|")
	if len(f) != 3 {
		t.Fatalf("timed cookie %q", v)
	}
	last, err1 := strconv.ParseInt(f[1], 10, 64)
	first, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("timed cookie %q", v)
	}
	return f[0], last, first
}

// TestStickyMaxIdleRefreshAndExpiry: with maxidle every response moves
// LASTSEEN to now and keeps FIRSTSEEN; a cookie idle for more than maxidle,
// or older than maxlife, counts as no cookie: a new session, whatever
// fallback says.
func TestStickyMaxIdleRefreshAndExpiry(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; server %[3]s; session_sticky cookie=mi maxidle=2 maxlife=1h maxage=1d; }
    server { listen %[1]s; location / { proxy_pass http://app; } }
}`, a, b1, b2), a)
	url := "http://" + a + "/echo"
	r := stickyReq(t, "GET", url, "")
	v, attrs, ok := setCookieOf(r, "mi")
	if !ok || attrs != "Path=/" {
		t.Fatalf("new session: Set-Cookie %q (a timed cookie has no Max-Age)", r.header.Values("Set-Cookie"))
	}
	s, last, first := timedCookie(t, v)
	now := time.Now().Unix()
	if last != first || last < now-2 || last > now+1 {
		t.Fatalf("new session cookie %q, now %d", v, now)
	}
	server := backendOf(r)

	// Refresh: a client last seen a second ago keeps its FIRSTSEEN.
	old := strconv.FormatInt(now-1000, 10)
	r = stickyReq(t, "GET", url, "mi="+s+"|"+strconv.FormatInt(now-1, 10)+"|"+old)
	v2, _, ok := setCookieOf(r, "mi")
	_, last2, first2 := timedCookie(t, v2)
	if !ok || backendOf(r) != server || first2 != now-1000 || last2 < now {
		t.Fatalf("refresh: %s, Set-Cookie %q", backendOf(r), r.header.Values("Set-Cookie"))
	}
	// maxlife: older than an hour is a new session, FIRSTSEEN restarts.
	r = stickyReq(t, "GET", url, "mi="+s+"|"+strconv.FormatInt(now, 10)+"|"+strconv.FormatInt(now-3601, 10))
	if v3, _, _ := setCookieOf(r, "mi"); !strings.Contains(v3, "|") || strings.HasSuffix(v3, "|"+strconv.FormatInt(now-3601, 10)) {
		t.Errorf("life-expired cookie was refreshed: %q", v3)
	}

	// Expiry by gw's own clock: replay the first cookie until it is more
	// than 2s idle; until then it is refreshed on its server.
	deadline := time.Now().Add(6 * time.Second)
	for {
		r := stickyReq(t, "GET", url, "mi="+v)
		nv, _, _ := setCookieOf(r, "mi")
		_, _, nfirst := timedCookie(t, nv)
		if nfirst != first {
			if time.Now().Unix()-last <= 2 {
				t.Fatalf("cookie expired after %ds, maxidle=2", time.Now().Unix()-last)
			}
			break // a new session: FIRSTSEEN restarted
		}
		if backendOf(r) != server {
			t.Fatalf("within maxidle the client went to %s", backendOf(r))
		}
		if time.Now().After(deadline) {
			t.Fatal("the cookie never expired")
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestStickyHeaderCleaning: session_sticky_header decides per location
// what the backend sees of the cookie: nothing of the pair in
// option=indirect, the value without "SID~" in mode=prefix, the client's
// header unchanged where cleaning is off.
func TestStickyHeaderCleaning(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream ind { server %[2]s; server %[3]s; session_sticky cookie=ind option=indirect; }
    upstream pre { server %[2]s; server %[3]s; session_sticky cookie=pre mode=prefix; }
    session_sticky_header upstream=ind;
    session_sticky_hide_cookie upstream=pre;
    server {
        listen %[1]s;
        location /ind/ { proxy_pass http://ind/; }
        location /pre/ { proxy_pass http://pre/; }
        location /ind-raw/ { session_sticky_header upstream=ind switch=off; proxy_pass http://ind/; }
        location /pre-raw/ { session_sticky_header upstream=pre switch=off; proxy_pass http://pre/; }
    }
}`, a, b1, b2), a)
	base := "http://" + a
	for _, tc := range []struct{ path, cookie, want string }{
		{"/ind/echo", "a=1; ind=" + sid(b1) + "; b=2", "a=1; b=2"},
		{"/ind/echo", "ind=" + sid(b1), ""},
		{"/ind-raw/echo", "a=1; ind=" + sid(b1), "a=1; ind=" + sid(b1)},
		{"/pre/echo", "pre=" + sid(b1) + "~JSESSION42; a=1", "pre=JSESSION42; a=1"},
		{"/pre-raw/echo", "pre=" + sid(b1) + "~JSESSION42", "pre=" + sid(b1) + "~JSESSION42"},
	} {
		r := stickyReq(t, "GET", base+tc.path, tc.cookie)
		if got := strings.Join(echoedCookies(r), " | "); got != tc.want || backendOf(r) != "b1" {
			t.Errorf("%s with %q: %s saw Cookie %q, want %q", tc.path, tc.cookie, backendOf(r), got, tc.want)
		}
	}
}

// TestStickyBypass: session_sticky_bypass ignores the cookie for routing,
// sets none, and leaves the backend's own Set-Cookie alone (gw's
// counterpart of HAProxy's ignore-persist).
func TestStickyBypass(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; server %[3]s; session_sticky cookie=bp option=indirect; }
    server {
        listen %[1]s;
        location / { session_sticky_header upstream=app; session_sticky_bypass $arg_nosticky; proxy_pass http://app; }
    }
}`, a, b1, b2), a)
	base := "http://" + a + "/set-cookie?name=bp&value=own"
	seen := map[string]bool{}
	for i := 0; i < 4; i++ {
		r := stickyReq(t, "GET", base+"&nosticky=1", "bp="+sid(b1))
		seen[backendOf(r)] = true
		if got := r.header.Values("Set-Cookie"); len(got) != 1 || got[0] != "bp=own" {
			t.Fatalf("bypassed: Set-Cookie %q, want the backend's alone", got)
		}
	}
	if !seen["b1"] || !seen["b2"] {
		t.Errorf("bypassed requests were not balanced: %v", seen)
	}
	// Not bypassed: routed by the cookie, the backend's bp removed (indirect).
	for _, arg := range []string{"", "&nosticky=0"} {
		r := stickyReq(t, "GET", base+arg, "bp="+sid(b1))
		if backendOf(r) != "b1" || len(r.header.Values("Set-Cookie")) != 0 {
			t.Errorf("%q: %s, Set-Cookie %q", arg, backendOf(r), r.header.Values("Set-Cookie"))
		}
	}
}

// TestStickyAccessLogLetters: every access-log line of a sticky location
// carries two HAProxy-style letters, what the client's cookie was and what
// gw did with the response cookie, in the JSON line's "sticky" field and
// in $sticky_cookie / $sticky_status for log_format.
func TestStickyAccessLogLetters(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
events {}
http {
    log_format letters '$sticky_cookie $sticky_status';
    upstream app { server %[2]s; server %[3]s down; session_sticky option=indirect maxidle=1h; }
    upstream off { server %[2]s; server %[3]s down; session_sticky fallback=off; }
    server {
        listen %[1]s;
        access_log logs/sticky.log;
        access_log logs/letters.log letters;
        session_sticky_header upstream=app;
        location / { proxy_pass http://app; }
        location /off { proxy_pass http://off; }
        location /by { session_sticky_bypass 1; proxy_pass http://app; }
        location = /plain { return 200; }
    }
}`, a, b1, b2), a)
	base := "http://" + a
	now := strconv.FormatInt(time.Now().Unix(), 10)
	steps := []struct{ path, cookie, letters string }{
		{"/", "", "NI"}, // new session: inserted
		{"/", "route=" + sid(b1) + "|" + now + "|" + now, "VU"}, // valid timed cookie: refreshed
		{"/", "route=" + sid(b2) + "|" + now + "|" + now, "DI"}, // names a down server: moved
		{"/", "route=nonsense", "II"},                           // illegal: a new session
		{"/", "route=" + sid(b1) + "|1|1", "EI"},                // idle-expired: a new session
		{"/off", "route=" + sid(b2), "DN"},                      // fallback=off: gw's 502, nothing set
		{"/by", "route=" + sid(b1), "-N"},                       // bypassed
	}
	for _, s := range steps {
		stickyReq(t, "GET", base+s.path, s.cookie)
	}
	get(t, a, "", "/plain")
	n := len(steps) + 1
	jsonLines := readLines(t, filepath.Join(p.prefix, "logs", "sticky.log"), n)
	plain := readLines(t, filepath.Join(p.prefix, "logs", "letters.log"), n)
	for i, s := range steps {
		var e map[string]any
		if err := json.Unmarshal([]byte(jsonLines[i]), &e); err != nil {
			t.Fatal(err)
		}
		if e["sticky"] != s.letters {
			t.Errorf("%s %q: JSON sticky %v, want %s", s.path, s.cookie, e["sticky"], s.letters)
		}
		if want := s.letters[:1] + " " + s.letters; plain[i] != want {
			t.Errorf("%s %q: log_format %q, want %q", s.path, s.cookie, plain[i], want)
		}
	}
	if strings.Contains(jsonLines[n-1], `"sticky"`) {
		t.Errorf("a location without session_sticky logged letters: %s", jsonLines[n-1])
	}
}

// TestStickyTestFlagRejectsUnusableID: gw -t compiles session_sticky too,
// so an id= that cannot travel in the cookie fails the test at the server's
// line.
func TestStickyTestFlagRejectsUnusableID(t *testing.T) {
	t.Parallel()
	prefix := writePrefix(t, `
events {}
http {
    upstream u {
        server 127.0.0.1:9001 id=a|b;
        server 127.0.0.1:9002 id=c;
        session_sticky hash=plain maxidle=1h;
    }
    server { listen 127.0.0.1:8080; location / { proxy_pass http://u; } }
}
`)
	out, code := runGW(t, "-p", prefix, "-t")
	if code == 0 || !strings.Contains(out, `"a|b"`) || !strings.Contains(out, "gw.conf:5:9") {
		t.Fatalf("gw -t exit %d:\n%s", code, out)
	}
}
