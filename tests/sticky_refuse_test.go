package tests

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"
)

// TestStickyFallbackOffClearsUnknownCookie: under fallback=off a browser
// whose cookie names no server of the upstream (one removed from the
// configuration) gets its 502, through error_page, with the cookie
// cleared, so its next request starts a new session instead of failing
// forever; a cookie naming a known server that is down is refused and
// left alone, as that server may come back.
func TestStickyFallbackOffClearsUnknownCookie(t *testing.T) {
	t.Parallel()
	b1, b2, _ := demoPair(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; server %[3]s down; session_sticky fallback=off; }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; error_page 502 /sorry; }
        location = /sorry { return 502 "sorry"; }
    }
}`, a, b1, b2), a)
	base := "http://" + a + "/"

	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "route", Value: sid("10.9.9.9:80"), Path: "/"}})
	browser := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	resp, err := browser.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || resp.Header.Get("Set-Cookie") != "route=; Path=/; Max-Age=0" {
		t.Fatalf("removed server: %d, Set-Cookie %q; want 502 clearing the cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
	if c := jar.Cookies(u); len(c) != 0 {
		t.Fatalf("the browser still holds %v", c) // the demo's own cookie comes with the 200 only
	}
	resp, err = browser.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	route := ""
	for _, c := range jar.Cookies(u) {
		if c.Name == "route" {
			route = c.Value
		}
	}
	if resp.StatusCode != 200 || route != sid(b1) {
		t.Fatalf("next request: %d, cookies %v; want 200 and a new session on b1", resp.StatusCode, jar.Cookies(u))
	}

	for i := 0; i < 2; i++ {
		r := stickyReq(t, "GET", base, "route="+sid(b2))
		if r.status != 502 || len(r.header.Values("Set-Cookie")) != 0 {
			t.Fatalf("known server down: %d, Set-Cookie %q; want 502 and the cookie kept", r.status, r.header.Values("Set-Cookie"))
		}
	}
}
