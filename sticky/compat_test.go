package sticky

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

// tenginePolicy builds a default policy over real addresses, sids computed
// by SID as the conf package will.
func tenginePolicy(t *testing.T, cfg Config, addrs []string) *Policy {
	t.Helper()
	sids := make([]string, len(addrs))
	for i, a := range addrs {
		sids[i] = SID(&cfg, a, "")
	}
	return mustPolicy(t, cfg, sids...)
}

// TestTengineCookieRoutes: a cookie Tengine issued (md5 of the peer name
// "ip:port", computed here independently of SID) routes to that peer, so a
// site moving from Tengine keeps its users' sessions.
func TestTengineCookieRoutes(t *testing.T) {
	addrs := []string{"10.0.0.1:8080", "10.0.0.2:8080", "127.0.0.1:9000", "[2001:db8::1]:80"}
	untimed := tenginePolicy(t, stickyconf.DefaultConfig(), addrs)
	timed := tenginePolicy(t, timedCfg(time.Hour, 24*time.Hour), addrs)
	for want, addr := range addrs {
		sum := md5.Sum([]byte(addr))
		sid := hex.EncodeToString(sum[:])
		t.Run(addr, func(t *testing.T) {
			c := untimed.Read(lines("JSESSIONID=1; route="+sid), testNow, nil)
			if c.State != ClientValid || c.Peer != want {
				t.Errorf("Tengine cookie %s = %v/%d, want V/%d", sid, c.State, c.Peer, want)
			}
			// Tengine's maxidle cookie: "SID|LASTSEEN|FIRSTSEEN".
			v := fmt.Sprintf("route=%s|%d|%d", sid, testNow-5, testNow-600)
			c = timed.Read(lines(v), testNow, nil)
			if c.State != ClientValid || c.Peer != want || c.FirstSeen != testNow-600 {
				t.Errorf("Tengine timed cookie %s = %+v, want V/%d", v, c, want)
			}
		})
	}
	if sid := untimed.SIDs().SID(2); sid != "44fb3a27ed30ae5193ebd879ca2cf039" {
		t.Errorf("sid of 127.0.0.1:9000 = %s", sid)
	}
}

// TestTwoInstancesAgree: two policies compiled separately from the same
// configuration route the same cookie to the same peer and issue the same
// Set-Cookie: a fleet of gw instances shares no state, so a cookie one of
// them issued must mean the same to every other.
func TestTwoInstancesAgree(t *testing.T) {
	addrs := []string{"10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"}
	for _, cfg := range []Config{
		stickyconf.DefaultConfig(),
		cfgWith(func(c *Config) { c.Hash, c.Secret = HashHMAC, "fleet-key" }),
		cfgWith(func(c *Config) { c.MaxIdle, c.Secret = time.Hour, "fleet-key" }),
	} {
		a, b := tenginePolicy(t, cfg, addrs), tenginePolicy(t, cfg, addrs)
		for peer := range addrs {
			sc := a.AppendSetCookie(nil, peer, testNow, testNow)
			if other := b.AppendSetCookie(nil, peer, testNow, testNow); string(other) != string(sc) {
				t.Fatalf("instances disagree: %q vs %q", sc, other)
			}
			_, vs, ve, _ := setCookieValue(sc)
			c := b.Read(lines("route="+string(sc[vs:ve])), testNow, nil)
			if c.State != ClientValid || c.Peer != peer {
				t.Errorf("hash %d: cookie from instance a read by b = %+v, want V/%d", cfg.Hash, c, peer)
			}
		}
	}
}
