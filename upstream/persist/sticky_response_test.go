package persist

import (
	"strconv"
	"strings"
	"testing"
)

// TestStickyRespond is the response cookie rules on fasthttp's header:
// insert, rewrite, prefix, refresh, nocache, postonly; the Set-Cookie lines
// and Cache-Control the client receives, and the response letter of
// $sticky_status.
func TestStickyRespond(t *testing.T) {
	sidA, sidB := stSID(stA), stSID(stB)
	now := strconv.FormatInt(t0.Unix(), 10)
	tests := []struct {
		name     string
		params   string
		loc      string
		method   string
		cookie   string // the request's Cookie value, "" for none
		peer     int    // the peer that answered
		response string // the upstream's status line and headers
		want     []string
		cache    []string // Cache-Control lines; nil: not checked
		letters  string
	}{
		{"insert direct: appended after the backend's same-named cookie", "", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=app; Path=/\nSet-Cookie: x=1",
			[]string{"route=app; Path=/", "x=1", "route=" + sidA + "; Path=/"}, nil, "NI"},
		{"valid cookie for the answering peer: nothing", "", "", "GET", "route=" + sidA, stA,
			"HTTP/1.1 200 OK\nSet-Cookie: x=1", []string{"x=1"}, nil, "VN"},
		{"cookie for a down server: re-routed, new cookie", "", "", "GET", "route=" + stSID(stDown), stA,
			"HTTP/1.1 200 OK", []string{"route=" + sidA + "; Path=/"}, nil, "DI"},
		{"moved to another peer after a failed try: its cookie", "", "", "GET", "route=" + sidB, stA,
			"HTTP/1.1 302 Found", []string{"route=" + sidA + "; Path=/"}, nil, "VI"},
		{"status >= 400: untouched", "", "", "GET", "", stA,
			"HTTP/1.1 404 Not Found\nSet-Cookie: route=app", []string{"route=app"}, nil, "NN"},
		{"indirect: the backend's cookie is replaced", "option=indirect", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=app; Path=/app\nSet-Cookie: x=1",
			[]string{"route=" + sidA + "; Path=/", "x=1"}, nil, "NI"},
		{"indirect, valid session: the backend's cookies are removed", "option=indirect", "", "GET", "route=" + sidA, stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=app\nSet-Cookie: x=1\nset-cookie: route=again",
			[]string{"x=1"}, nil, "VD"},
		{"postonly: nothing on GET", "postonly", "", "GET", "", stA, "HTTP/1.1 200 OK", nil, nil, "NN"},
		{"postonly: inserted on POST", "postonly", "", "POST", "", stA,
			"HTTP/1.1 200 OK", []string{"route=" + sidA + "; Path=/"}, nil, "NI"},
		{"preserve: the backend's cookie stays, nothing inserted", "preserve", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=mine", []string{"route=mine"}, nil, "NP"},
		{"preserve without a backend cookie: inserted", "preserve", "", "GET", "", stA,
			"HTTP/1.1 200 OK", []string{"route=" + sidA + "; Path=/"}, nil, "NI"},
		{"nocache: private merged, public dropped", "nocache", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nCache-Control: public, max-age=60\nX-After: 1",
			[]string{"route=" + sidA + "; Path=/"}, []string{"max-age=60, private"}, "NI"},
		{"nocache: added when the backend sent none", "nocache", "", "GET", "", stA,
			"HTTP/1.1 200 OK", []string{"route=" + sidA + "; Path=/"}, []string{"private"}, "NI"},
		{"nocache: several lines, any case, merged into one", "nocache", "", "GET", "", stA,
			"HTTP/1.1 200 OK\ncache-control: public\nCache-Control: no-transform",
			[]string{"route=" + sidA + "; Path=/"}, []string{"no-transform, private"}, "NI"},
		{"nocache: nothing inserted, nothing changed", "nocache", "", "GET", "route=" + sidA, stA,
			"HTTP/1.1 200 OK\nCache-Control: public", nil, []string{"public"}, "VN"},
		{"every attribute, in the spec's order", "domain=.example.com path=/app maxage=1h httponly secure samesite=lax",
			"", "GET", "", stB, "HTTP/1.1 200 OK",
			[]string{"route=" + sidB + "; Domain=.example.com; Path=/app; Max-Age=3600; Expires=Tue, 14-Nov-23 23:13:20 GMT; HttpOnly; Secure; SameSite=Lax"},
			nil, "NI"},
		{"maxidle: a new session carries now twice", "maxidle=60", "", "GET", "", stA, "HTTP/1.1 200 OK",
			[]string{"route=" + sidA + "|" + now + "|" + now + "; Path=/"}, nil, "NI"},
		{"maxidle: refreshed on every response, FIRSTSEEN kept", "maxidle=60 maxage=1h", "", "GET",
			"route=" + sidA + "|" + strconv.FormatInt(t0.Unix()-30, 10) + "|1699990000", stA, "HTTP/1.1 200 OK",
			[]string{"route=" + sidA + "|" + now + "|1699990000; Path=/"}, nil, "VU"},
		{"rewrite: the backend's value becomes the sid", "mode=rewrite", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: a=1\nSet-Cookie: route=abc; Path=/; HttpOnly",
			[]string{"a=1", "route=" + sidA + "; Path=/; HttpOnly"}, nil, "NR"},
		{"rewrite without a backend cookie: nothing", "mode=rewrite", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: myroute=abc", []string{"myroute=abc"}, nil, "NN"},
		{"prefix: SID~ in front of the backend's value", "mode=prefix", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=abc; Path=/; HttpOnly",
			[]string{"route=" + sidA + "~abc; Path=/; HttpOnly"}, nil, "NR"},
		{"prefix keeps quotes outside", "mode=prefix", "", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=\"abc\"", []string{`route="` + sidA + `~abc"`}, nil, "NR"},
		{"bypass: the backend's cookie is left alone", "", "session_sticky_bypass 1;", "GET", "", stA,
			"HTTP/1.1 200 OK\nSet-Cookie: route=app", []string{"route=app"}, nil, "-N"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := stBuild(t, tt.params, tt.loc)
			head := tt.method + " / HTTP/1.1\nHost: gw"
			if tt.cookie != "" {
				head += "\nCookie: " + tt.cookie
			}
			s := f.request(t, head)
			f.choose(s)
			h := stResponse(t, tt.response)
			f.sp.Respond(s, f.up.Peers[tt.peer], h)
			if got := setCookies(h); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Set-Cookie lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if tt.cache != nil {
				if got := headerValues(h, "cache-control"); strings.Join(got, "\n") != strings.Join(tt.cache, "\n") {
					t.Errorf("Cache-Control %q, want %q", got, tt.cache)
				}
			}
			if l := string(s.R.StickyStatus); l != tt.letters {
				t.Errorf("$sticky_status %q, want %q", l, tt.letters)
			}
		})
	}
}

// TestStickyNoCacheKeepsHeaderOrder: one Cache-Control line is edited in
// place, so the headers after it keep their order.
func TestStickyNoCacheKeepsHeaderOrder(t *testing.T) {
	f := stBuild(t, "nocache", "")
	s := f.get(t)
	f.choose(s)
	h := stResponse(t, "HTTP/1.1 200 OK\nX-One: 1\nCache-Control: max-age=5\nX-Two: 2\nX-Three: 3")
	f.sp.Respond(s, f.up.Peers[stA], h)
	var names []string
	for k := range h.All() {
		if strings.HasPrefix(string(k), "X-") || string(k) == "Cache-Control" {
			names = append(names, string(k))
		}
	}
	if got := strings.Join(names, " "); got != "X-One Cache-Control X-Two X-Three" {
		t.Errorf("header order %s", got)
	}
}

// TestStickyRespondWithoutChoose: a response the hook did not route (gw
// answers before Choose) gets nothing.
func TestStickyRespondWithoutChoose(t *testing.T) {
	f := stBuild(t, "", "")
	s := f.get(t)
	h := stResponse(t, "HTTP/1.1 200 OK")
	f.sp.Respond(s, f.up.Peers[stA], h)
	if got := setCookies(h); len(got) != 0 || len(s.R.StickyStatus) != 0 {
		t.Errorf("Set-Cookie %q, letters %q", got, s.R.StickyStatus)
	}
}

// TestStickyCountsSessions: a cookie that binds a visitor to a server
// counts a session started there (and a moved visitor when its cookie
// named a server that could not take it); a returning visitor counts as
// one.
func TestStickyCountsSessions(t *testing.T) {
	tests := []struct {
		name, params, cookie string
		peer                 int
		response             string
		want                 uint64 // sessions started
		returning, moved     uint64
	}{
		{"new visitor", "", "", stA, "HTTP/1.1 200 OK", 1, 0, 0},
		{"returning visitor", "", "route=" + stSID(stA), stA, "HTTP/1.1 200 OK", 0, 1, 0},
		{"moved off a down server", "", "route=" + stSID(stDown), stA, "HTTP/1.1 200 OK", 1, 0, 1},
		{"rewrite: the backend's cookie is the session", "mode=rewrite", "", stB, "HTTP/1.1 200 OK\nSet-Cookie: route=app", 1, 0, 0},
		{"rewrite, returning", "mode=rewrite", "route=" + stSID(stB), stB, "HTTP/1.1 200 OK\nSet-Cookie: route=app", 0, 1, 0},
		{"rewrite without the backend's cookie", "mode=rewrite", "", stB, "HTTP/1.1 200 OK", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := stBuild(t, tt.params, "")
			var s *Request
			if tt.cookie == "" {
				s = f.get(t)
			} else {
				s = f.get(t, "Cookie: "+tt.cookie)
			}
			f.choose(s)
			f.sp.Respond(s, f.up.Peers[tt.peer], stResponse(t, tt.response))
			snap := f.up.Peers[tt.peer].Snapshot(t0)
			if snap.Sessions != tt.want || snap.Returning != tt.returning || snap.Moved != tt.moved {
				t.Errorf("sessions %d, returning %d, moved %d; want %d, %d, %d ($sticky_status %s)",
					snap.Sessions, snap.Returning, snap.Moved, tt.want, tt.returning, tt.moved, s.R.StickyStatus)
			}
		})
	}
}
