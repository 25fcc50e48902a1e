package persist

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/gw-proxy/gw/upstream/resphead"
)

// stickyHotCases are the per-request paths of session_sticky the
// allocation test and the benchmark run: a returning client in the most
// demanding configuration (timed, signed, indirect, cleaned, nocache, the
// backend setting the cookie too), a new session, and prefix mode.
func stickyHotCases(t testing.TB) []struct {
	name, params, loc, cookie, response, letters string
} {
	refresh := "route=" + stSID(stB) + "|" + strconv.FormatInt(t0.Unix()-10, 10) + "|" + strconv.FormatInt(t0.Unix()-100, 10)
	f := stBuild(t, "maxidle=1h secret=k", "")
	signed := f.sp.pol.AppendSetCookie(nil, stB, t0.Unix()-10, t0.Unix()-100)
	if i := bytes.IndexByte(signed, ';'); i > 0 {
		refresh = string(signed[:i])
	}
	return []struct{ name, params, loc, cookie, response, letters string }{
		{"returning timed indirect nocache", "option=indirect maxidle=1h secret=k nocache",
			"session_sticky_header upstream=u;", "_ga=GA1.2.3; " + refresh + "; lang=en",
			"HTTP/1.1 200 OK\nCache-Control: public, max-age=60\nSet-Cookie: route=app; Path=/\nSet-Cookie: x=1", "VU"},
		{"new session", "httponly samesite=lax maxage=1h", "", "_ga=GA1.2.3; lang=en",
			"HTTP/1.1 200 OK\nSet-Cookie: JSESSIONID=abc; Path=/", "NI"},
		{"prefix returning", "mode=prefix", "session_sticky_header upstream=u;", "route=" + stSID(stB) + "~app42; lang=en",
			"HTTP/1.1 200 OK\nSet-Cookie: route=app43; Path=/", "VR"},
	}
}

// stickyOnce runs the three hook calls of one request on a warmed
// Request and a fresh copy of the upstream's response header, as the
// pooled exchange does.
func stickyOnce(f *stFixture, s *Request, base, h *resphead.Head) Choice {
	ctx, vr, scope := s.Ctx, s.R, s.Scope
	s.Reset()
	s.Ctx, s.R, s.Scope, s.Now = ctx, vr, scope, t0
	f.sp.Request(s)
	c := f.choose(s)
	h.CopyFrom(base)
	peer := c.Peer
	if peer == nil {
		peer = f.up.Peers[stA]
	}
	f.sp.Respond(s, peer, h)
	return c
}

// TestStickyHookAllocs: once the exchange's buffers are warm, reading and
// deciding the cookie, cleaning the request and writing the response
// cookie allocate nothing: at tens of thousands of requests a second, per-request
// garbage is what costs a gateway its tail latency.
func TestStickyHookAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	for _, tc := range stickyHotCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			f := stBuild(t, tc.params, tc.loc)
			s := f.get(t, "Cookie: "+tc.cookie)
			base, h := stResponse(t, tc.response), &resphead.Head{}
			stickyOnce(f, s, base, h) // warm the buffers
			allocs := testing.AllocsPerRun(200, func() { stickyOnce(f, s, base, h) })
			if allocs != 0 {
				t.Errorf("%v allocations per request", allocs)
			}
			if string(s.R.StickyStatus) != tc.letters {
				t.Errorf("$sticky_status %q, want %q", s.R.StickyStatus, tc.letters)
			}
		})
	}
}

// BenchmarkStickyHook is session_sticky's share of a proxied request: the
// three hook calls with the header edits they make.
func BenchmarkStickyHook(b *testing.B) {
	for _, tc := range stickyHotCases(b) {
		b.Run(tc.name, func(b *testing.B) {
			f := stBuild(b, tc.params, tc.loc)
			s := f.get(b, "Cookie: "+tc.cookie)
			base, h := stResponse(b, tc.response), &resphead.Head{}
			b.ReportAllocs()
			for b.Loop() {
				stickyOnce(f, s, base, h)
			}
		})
	}
}
