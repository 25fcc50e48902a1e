package sticky

import (
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

// Test fixtures: three peers with short readable sids, so cookies in the
// tables below stay legible. Compatibility with Tengine's md5 sids is
// tested separately (compat_test.go).
var testSIDs = []string{"a", "b", "c"}

// testNow is a fixed "now" for deterministic timestamps (2023-11-14).
const testNow int64 = 1700000000

// mustPolicy compiles cfg with sids (testSIDs when none are given).
func mustPolicy(tb testing.TB, cfg Config, sids ...string) *Policy {
	tb.Helper()
	if len(sids) == 0 {
		sids = testSIDs
	}
	p, err := Compile(cfg, sids)
	if err != nil {
		tb.Fatalf("Compile: %v", err)
	}
	return p
}

// cfgWith returns DefaultConfig changed by f.
func cfgWith(f func(c *Config)) Config {
	c := stickyconf.DefaultConfig()
	if f != nil {
		f(&c)
	}
	return c
}

func timedCfg(idle, life time.Duration) Config {
	return cfgWith(func(c *Config) { c.MaxIdle, c.MaxLife = idle, life })
}

// lines turns header values into the [][]byte the proxy passes.
func lines(vals ...string) [][]byte {
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = []byte(v)
	}
	return out
}
