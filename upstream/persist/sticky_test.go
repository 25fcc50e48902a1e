package persist

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/upstream"
)

// TestStickyChoose is the reading and routing rules, one case per rule:
// which peer the
// cookie binds the request to, whether the session is pinned, what is
// refused, and the client letter of $sticky_status.
func TestStickyChoose(t *testing.T) {
	cookie := func(sid string) string { return "Cookie: route=" + sid }
	timed := func(i int, last, first int64) string {
		return "Cookie: route=" + stSID(i) + "|" + strconv.FormatInt(last, 10) + "|" + strconv.FormatInt(first, 10)
	}
	now := t0.Unix()
	tests := []struct {
		name    string
		params  string
		loc     string
		lines   []string
		setup   func(f *stFixture)
		peer    int // -1: the balancer picks
		pin     bool
		status  int
		letters string
	}{
		{"no cookie: new session", "", "", nil, nil, -1, false, 0, "NN"},
		{"cookie of an available server: that server", "", "", []string{cookie(stSID(stB))}, nil, stB, false, 0, "VN"},
		{"drain server keeps its sessions", "", "", []string{cookie(stSID(stDrain))}, nil, stDrain, false, 0, "VN"},
		{"backups have sids", "", "", []string{cookie(stSID(stBackup))}, nil, stBackup, false, 0, "VN"},
		{"fallback=off pins the session", "fallback=off", "", []string{cookie(stSID(stA))}, nil, stA, true, 0, "VN"},
		{"down server, fallback=on: new session", "", "", []string{cookie(stSID(stDown))}, nil, -1, false, 0, "DN"},
		{"down server, fallback=off: 502", "fallback=off", "", []string{cookie(stSID(stDown))}, nil, -1, false, 502, "DN"},
		{"passively failed server is unavailable", "fallback=off", "", []string{cookie(stSID(stB))},
			func(f *stFixture) { f.up.Peers[stB].Failure(t0) }, -1, false, 502, "DN"},
		{"server at max_conns is unavailable", "", "", []string{cookie(stSID(stFull))},
			func(f *stFixture) { f.up.Peers[stFull].Acquire(t0) }, -1, false, 0, "DN"},
		{"unknown sid, fallback=on: new session", "", "", []string{cookie("0123456789abcdef0123456789abcdef")}, nil, -1, false, 0, "IN"},
		{"unknown sid, fallback=off: 502", "fallback=off", "", []string{cookie("0123456789abcdef0123456789abcdef")}, nil, -1, false, 502, "IN"},
		{"illegal cookie is no cookie, even with fallback=off", "mode=prefix fallback=off", "", []string{cookie(stSID(stA))}, nil, -1, false, 0, "IN"},
		{"prefix mode: the sid before ~", "mode=prefix", "", []string{cookie(stSID(stB) + "~app-session")}, nil, stB, false, 0, "VN"},
		{"exact name: mytest is not route", "", "", []string{"Cookie: myroute=" + stSID(stB) + "; route_x=" + stSID(stA)}, nil, -1, false, 0, "NN"},
		{"several lines and a lower-case name", "", "", []string{"Cookie: a=1", "cookie: b=2; route=" + stSID(stB)}, nil, stB, false, 0, "VN"},
		{"duplicate names: the first usable wins", "", "", []string{cookie(stSID(stDown) + "; route=" + stSID(stA))}, nil, stA, false, 0, "VN"},
		{"timed cookie within maxidle", "maxidle=60", "", []string{timed(stB, now-60, now-600)}, nil, stB, false, 0, "VN"},
		{"idle-expired cookie: new session even with fallback=off", "maxidle=60 fallback=off", "", []string{timed(stB, now-61, now-600)}, nil, -1, false, 0, "EN"},
		{"life-expired cookie", "maxlife=300", "", []string{timed(stB, now, now-301)}, nil, -1, false, 0, "ON"},
		{"bypass: the cookie is ignored", "", "session_sticky_bypass $arg_nosticky;", []string{cookie(stSID(stB))}, nil, -1, false, 0, "-N"},
		{"bypass template 0 is no bypass", "", "session_sticky_bypass 0 '';", []string{cookie(stSID(stB))}, nil, stB, false, 0, "VN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := stBuild(t, tt.params, tt.loc)
			if tt.setup != nil {
				tt.setup(f)
			}
			target := "/"
			if strings.Contains(tt.loc, "$arg_nosticky") {
				target = "/?nosticky=1"
			}
			s := f.request(t, "GET "+target+" HTTP/1.1\nHost: gw\n"+strings.Join(tt.lines, "\n"))
			c := f.choose(s)
			got := -1
			if c.Peer != nil {
				got = c.Peer.Index()
			}
			if got != tt.peer || c.Pin != tt.pin || c.Status != tt.status {
				t.Errorf("Choose = peer %d pin %v status %d, want peer %d pin %v status %d", got, c.Pin, c.Status, tt.peer, tt.pin, tt.status)
			}
			if l := string(s.R.StickyStatus); l != tt.letters {
				t.Errorf("$sticky_status %q, want %q", l, tt.letters)
			}
			if l := string(s.R.StickyCookie); l != tt.letters[:1] {
				t.Errorf("$sticky_cookie %q, want %q", l, tt.letters[:1])
			}
		})
	}
}

// TestStickyChooseLeavesBalancerAlone: a session bound by its cookie
// takes no turn from the balancer, so cookieless clients see the
// balancer's sequence as if the sticky requests had not happened.
func TestStickyChooseLeavesBalancerAlone(t *testing.T) {
	sticky, control := stBuild(t, "", ""), stBuild(t, "", "")
	for i := 0; i < 5; i++ {
		if c := sticky.choose(sticky.get(t, "Cookie: route="+stSID(stB))); c.Peer == nil {
			t.Fatal("cookie did not route")
		}
	}
	var got, want []string
	var tried upstream.Tried
	for i := 0; i < 6; i++ {
		tried.Reset()
		got = append(got, letter(sticky.up.Pick(t0, upstream.Key{}, &tried)))
		tried.Reset()
		want = append(want, letter(control.up.Pick(t0, upstream.Key{}, &tried)))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("balancer sequence after sticky requests %v, want %v", got, want)
	}
}

// TestStickyRequestCleaning is session_sticky_header: what the backend's
// Cookie header becomes, by mode and by the location's switch, rebuilt
// well-formed or dropped when nothing is left.
func TestStickyRequestCleaning(t *testing.T) {
	sidB := stSID(stB)
	tests := []struct {
		name   string
		params string
		loc    string
		lines  []string
		keep   bool
		value  string
	}{
		{"indirect, cleaning on: the pair goes", "option=indirect", "session_sticky_header upstream=u;",
			[]string{"Cookie: a=1; route=" + sidB + "; b=2"}, false, "a=1; b=2"},
		{"indirect, only the sticky pair: no Cookie at all", "option=indirect", "session_sticky_hide_cookie upstream=u;",
			[]string{"Cookie: route=" + sidB}, false, ""},
		{"indirect, several lines joined well-formed", "option=indirect", "session_sticky_header upstream=u;",
			[]string{"Cookie: a=1;", "cookie: route=" + sidB + ";b=2"}, false, "a=1; b=2"},
		{"indirect, no sticky cookie: byte for byte", "option=indirect", "session_sticky_header upstream=u;",
			[]string{"Cookie: a=1;b=2"}, true, ""},
		{"indirect, cleaning off: unchanged", "option=indirect", "",
			[]string{"Cookie: route=" + sidB}, true, ""},
		{"indirect, switched off again", "option=indirect", "session_sticky_header upstream=u switch=off;",
			[]string{"Cookie: route=" + sidB}, true, ""},
		{"prefix, cleaning on: the prefix goes", "mode=prefix", "session_sticky_header upstream=u;",
			[]string{"Cookie: JSESSIONID=x; route=" + sidB + "~app42"}, false, "JSESSIONID=x; route=app42"},
		{"direct insert: nothing to clean", "", "session_sticky_header upstream=u;",
			[]string{"Cookie: route=" + sidB}, true, ""},
		{"rewrite: nothing to clean", "mode=rewrite", "session_sticky_header upstream=u;",
			[]string{"Cookie: route=" + sidB}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := stBuild(t, tt.params, tt.loc)
			out := f.sp.Request(f.get(t, tt.lines...))
			if out.Keep != tt.keep || string(out.Value) != tt.value {
				t.Errorf("Request = keep %v value %q, want keep %v value %q", out.Keep, out.Value, tt.keep, tt.value)
			}
		})
	}
}

// TestStickyCompileErrors: a sid the cookie cannot carry is a configuration
// error at the server's line.
func TestStickyCompileErrors(t *testing.T) {
	l := stLocation(t, `http { upstream u { server 10.0.0.1:80 id=a|b; session_sticky hash=plain maxidle=1h; }
		server { location / { proxy_pass http://u; } } }`)
	up, err := upstream.NewUpstream(l.Settings.ProxyPass.Upstream, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Sticky(up)
	if err == nil || !strings.Contains(err.Error(), `"a|b"`) || !strings.Contains(err.Error(), "test.conf:") {
		t.Fatalf("error %v, want the server's position and its id", err)
	}
}
