package sticky

import (
	"fmt"
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

// benchPolicy is an 8-peer upstream with Tengine-style md5 sids.
func benchPolicy(b *testing.B, cfg Config) (*Policy, []string) {
	sids := make([]string, 8)
	for i := range sids {
		sids[i] = SID(&cfg, fmt.Sprintf("10.0.0.%d:8080", i+1), "")
	}
	return mustPolicy(b, cfg, sids...), sids
}

// browserCookie is a realistic Cookie header: analytics and session
// cookies around the sticky one.
func browserCookie(sticky string) [][]byte {
	return lines("_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; " +
		"JSESSIONID=0123456789ABCDEF0123456789ABCDEF; route=" + sticky + "; theme=dark; lang=en-GB")
}

func BenchmarkReadDecide(b *testing.B) {
	usable := func(peer int) bool { return peer != 3 }
	b.Run("insert", func(b *testing.B) {
		p, sids := benchPolicy(b, stickyconf.DefaultConfig())
		hdr := browserCookie(sids[5])
		b.ReportAllocs()
		for b.Loop() {
			if p.Read(hdr, testNow, usable).Peer != 5 {
				b.Fatal("not routed")
			}
		}
	})
	b.Run("timed-signed", func(b *testing.B) {
		p, _ := benchPolicy(b, cfgWith(func(c *Config) { c.MaxIdle, c.MaxLife, c.Secret = time.Hour, 24*time.Hour, "k" }))
		sc := p.AppendSetCookie(nil, 5, testNow, testNow)
		_, vs, ve, _ := setCookieValue(sc)
		hdr := browserCookie(string(sc[vs:ve]))
		b.ReportAllocs()
		for b.Loop() {
			if p.Read(hdr, testNow, usable).Peer != 5 {
				b.Fatal("not routed")
			}
		}
	})
}

func BenchmarkSetCookieBuild(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"maxage-flags", cfgWith(func(c *Config) {
			c.Domain, c.MaxAge, c.HTTPOnly, c.Secure, c.SameSite = "example.com", time.Hour, true, true, "Lax"
		})},
		{"timed-signed", cfgWith(func(c *Config) { c.MaxIdle, c.Secret = time.Hour, "k" })},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p, _ := benchPolicy(b, bc.cfg)
			setCookies := lines("JSESSIONID=abc; Path=/; HttpOnly")
			r := Reply{Status: 200, Peer: 2, Now: testNow, Client: noCookie}
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for b.Loop() {
				var ch Change
				ch, buf = p.Respond(buf[:0], r, setCookies)
				if ch.Action != CookieInserted {
					b.Fatal("not inserted")
				}
			}
		})
	}
}

func BenchmarkClean(b *testing.B) {
	p, sids := benchPolicy(b, cfgWith(func(c *Config) { c.Indirect = true }))
	hdr := browserCookie(sids[1])
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var act CleanAction
		buf, act = p.Clean(buf[:0], hdr)
		if act != CleanReplace {
			b.Fatal("not cleaned")
		}
	}
}
