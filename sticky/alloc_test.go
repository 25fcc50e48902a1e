package sticky

import (
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

// The hot path must not allocate: these calls run on every proxied
// request, where each allocation is garbage collector work paid per
// request. Each test runs the per-request calls through
// testing.AllocsPerRun with buffers the proxy would reuse.

// skipUnderRace skips an allocation test in -race builds.
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
}

func TestReadDecideAllocs(t *testing.T) {
	skipUnderRace(t)
	down := 1
	usable := func(peer int) bool { return peer != down }
	tests := []struct {
		name   string
		cfg    Config
		cookie []string
	}{
		{"insert", stickyconf.DefaultConfig(), []string{"a=1; b=2", "route=zz; route=b; route=c"}},
		{"timed", timedCfg(time.Minute, time.Hour), []string{"x=1; " + ts("c", 1, 1)}},
		{"timed signed", cfgWith(func(c *Config) { c.MaxIdle, c.Secret = time.Minute, "k" }), nil},
		{"prefix", cfgWith(func(c *Config) { c.Mode = ModePrefix }), []string{"route=c~SESSION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, tt.cfg)
			hdr := lines(tt.cookie...)
			if tt.cookie == nil {
				sc := p.AppendSetCookie(nil, 2, testNow, testNow)
				_, vs, ve, _ := setCookieValue(sc)
				hdr = lines("route=" + string(sc[vs:ve]))
			}
			var got Client
			allocs := testing.AllocsPerRun(200, func() {
				got = p.Read(hdr, testNow, usable)
			})
			if got.State != ClientValid || got.Peer != 2 {
				t.Fatalf("Read = %+v, want V/2", got)
			}
			if allocs != 0 {
				t.Errorf("Read allocates %v times per call", allocs)
			}
		})
	}
}

func TestRespondAllocs(t *testing.T) {
	skipUnderRace(t)
	tests := []struct {
		name    string
		cfg     Config
		backend []string
	}{
		{"insert with every attribute", cfgWith(func(c *Config) {
			c.Domain, c.MaxAge, c.HTTPOnly, c.Secure, c.SameSite, c.NoCache = "ex.com", time.Hour, true, true, "Lax", true
		}), []string{"a=1; Path=/"}},
		{"timed signed refresh", cfgWith(func(c *Config) { c.MaxIdle, c.Secret, c.Indirect = time.Minute, "k", true }),
			[]string{"route=x"}},
		{"rewrite", cfgWith(func(c *Config) { c.Mode = ModeRewrite }), []string{"a=1", "route=x; Path=/; HttpOnly"}},
		{"prefix", cfgWith(func(c *Config) { c.Mode = ModePrefix }), []string{"route=x; Path=/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, tt.cfg)
			hdr := lines(tt.backend...)
			buf := make([]byte, 0, 512)
			r := Reply{Status: 200, Peer: 1, Now: testNow, Client: noCookie}
			var ch Change
			allocs := testing.AllocsPerRun(200, func() {
				ch, buf = p.Respond(buf[:0], r, hdr)
			})
			if ch.Edit == EditNone || len(ch.Value) == 0 {
				t.Fatalf("Respond did nothing: %+v", ch)
			}
			if allocs != 0 {
				t.Errorf("Respond allocates %v times per call", allocs)
			}
		})
	}
}

func TestSetCookieBuildAllocs(t *testing.T) {
	skipUnderRace(t)
	p := mustPolicy(t, cfgWith(func(c *Config) { c.MaxAge, c.Domain, c.Secure = time.Hour, "ex.com", true }))
	buf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(200, func() {
		buf = p.AppendSetCookie(buf[:0], 0, testNow, testNow)
	})
	if allocs != 0 {
		t.Errorf("AppendSetCookie allocates %v times per call", allocs)
	}
}

func TestCleanAllocs(t *testing.T) {
	skipUnderRace(t)
	for _, cfg := range []Config{
		cfgWith(func(c *Config) { c.Indirect = true }),
		cfgWith(func(c *Config) { c.Mode = ModePrefix }),
	} {
		p := mustPolicy(t, cfg)
		hdr := lines("a=1; route=b~x; c=3", "d=4")
		buf := make([]byte, 0, 256)
		var act CleanAction
		allocs := testing.AllocsPerRun(200, func() {
			buf, act = p.Clean(buf[:0], hdr)
		})
		if act != CleanReplace {
			t.Fatalf("mode %v: Clean action %d", cfg.Mode, act)
		}
		if allocs != 0 {
			t.Errorf("mode %v: Clean allocates %v times per call", cfg.Mode, allocs)
		}
	}
}

func TestAppendPrivateAllocs(t *testing.T) {
	skipUnderRace(t)
	in := []byte(`public, max-age=60, no-cache="a, b"`)
	buf := make([]byte, 0, 128)
	allocs := testing.AllocsPerRun(200, func() {
		buf = AppendPrivate(buf[:0], in)
	})
	if allocs != 0 {
		t.Errorf("AppendPrivate allocates %v times per call", allocs)
	}
}

// TestStackLinesDoNotEscape: the proxy may collect Cookie lines in an
// array on its stack; passing it must not move the array to the heap.
func TestStackLinesDoNotEscape(t *testing.T) {
	skipUnderRace(t)
	p := mustPolicy(t, cfgWith(func(c *Config) { c.Indirect = true }))
	h0, h1 := []byte("a=1"), []byte("route=c")
	buf := make([]byte, 0, 64)
	var got Client
	allocs := testing.AllocsPerRun(200, func() {
		var arr [4][]byte
		hdr := append(arr[:0], h0, h1)
		got = p.Read(hdr, testNow, nil)
		buf, _ = p.Clean(buf[:0], hdr)
	})
	if got.Peer != 2 || string(buf) != "a=1" {
		t.Fatalf("Read/Clean = %+v, %q", got, buf)
	}
	if allocs != 0 {
		t.Errorf("stack-held lines allocate %v times per call", allocs)
	}
}
