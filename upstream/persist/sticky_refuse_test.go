package persist

import (
	"testing"
)

// TestStickyRefusalCookie: fallback=off refuses a cookie naming a server
// that cannot take the request; the refusal clears the cookie only when
// it names no server of the upstream, with the configured Domain and Path
// so the browser replaces it, and keeps it for a known server, which may
// come back.
func TestStickyRefusalCookie(t *testing.T) {
	const garbage = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		params string
		cookie string
		status int
		set    string
	}{
		{"unknown sid: 502 and the cookie cleared", "fallback=off", "route=" + garbage, 502, "route=; Path=/; Max-Age=0"},
		{"domain and path as configured", "fallback=off cookie=sid domain=.example.com path=/app httponly secure",
			"sid=" + garbage, 502, "sid=; Domain=.example.com; Path=/app; Max-Age=0"},
		{"prefix mode, unknown sid", "mode=prefix fallback=off", "route=" + garbage + "~app42", 502, "route=; Path=/; Max-Age=0"},
		{"known server that is down: 502, cookie kept", "fallback=off", "route=" + stSID(stDown), 502, ""},
		{"a known down server outranks garbage: kept", "fallback=off", "route=" + garbage + "; route=" + stSID(stDown), 502, ""},
		{"fallback=on: no refusal, nothing to clear", "", "route=" + garbage, 0, ""},
		{"available server: nothing to clear", "fallback=off", "route=" + stSID(stA), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := stBuild(t, tt.params, "")
			c := f.choose(f.get(t, "Cookie: "+tt.cookie))
			if c.Status != tt.status || string(c.SetCookie) != tt.set {
				t.Errorf("Choose = status %d Set-Cookie %q, want %d %q", c.Status, c.SetCookie, tt.status, tt.set)
			}
		})
	}
}

// TestStickyRefusalAllocs: the refusal's Set-Cookie is built in the
// request's reused buffer, so a client stuck on a bad cookie costs no
// allocation either.
func TestStickyRefusalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	f := stBuild(t, "fallback=off domain=.example.com", "")
	s := f.get(t, "Cookie: a=1; route=0123456789abcdef0123456789abcdef")
	once := func() Choice {
		ctx, vr, scope := s.Ctx, s.R, s.Scope
		s.Reset()
		s.Ctx, s.R, s.Scope, s.Now = ctx, vr, scope, t0
		return f.choose(s)
	}
	once() // warm the buffers
	var c Choice
	allocs := testing.AllocsPerRun(200, func() { c = once() })
	if allocs != 0 {
		t.Errorf("%v allocations per refusal", allocs)
	}
	if c.Status != 502 || len(c.SetCookie) == 0 {
		t.Errorf("Choose = status %d Set-Cookie %q, want 502 and a clearing cookie", c.Status, c.SetCookie)
	}
}
