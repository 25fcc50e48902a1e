package sticky

import (
	"fmt"
	"testing"
	"time"
)

// ts formats a cookie value with timestamps relative to testNow.
func ts(sid string, lastAgo, firstAgo int64) string {
	return fmt.Sprintf("route=%s|%d|%d", sid, testNow-lastAgo, testNow-firstAgo)
}

func TestReadTimed(t *testing.T) {
	tests := []struct {
		name      string
		cookie    string
		wantState State
		wantPeer  int
		wantFirst int64
		unknown   bool
	}{
		{"fresh cookie", ts("b", 10, 100), ClientValid, 1, testNow - 100, false},
		{"idle exactly maxidle is still legal", ts("a", 60, 100), ClientValid, 0, testNow - 100, false},
		{"idle one second over maxidle", ts("a", 61, 100), ClientIdle, -1, 0, false},
		{"life exactly maxlife is still legal", ts("a", 0, 3600), ClientValid, 0, testNow - 3600, false},
		{"life one second over maxlife", ts("a", 0, 3601), ClientOld, -1, 0, false},
		{"both exceeded reports life", ts("a", 61, 3601), ClientOld, -1, 0, false},
		{"lastseen exactly 86400 in the future", ts("a", -86400, 0), ClientValid, 0, testNow, false},
		{"lastseen 86401 in the future", ts("a", -86401, 0), ClientInvalid, -1, 0, false},
		{"firstseen exactly 86400 in the future", ts("a", 0, -86400), ClientValid, 0, testNow + 86400, false},
		{"firstseen 86401 in the future", ts("a", 0, -86401), ClientInvalid, -1, 0, false},
		{"unknown sid", ts("zz", 1, 1), ClientInvalid, -1, 0, true},
		{"empty sid", ts("", 1, 1), ClientInvalid, -1, 0, false},
		{"expired is reported before unknown sid", ts("zz", 61, 1), ClientIdle, -1, 0, false},
		{"leading zeros", "route=a|0001700000000|01700000000", ClientValid, 0, testNow, false},
		{"quoted value", `route="a|1700000000|1700000000"`, ClientValid, 0, testNow, false},
		{"untimed shape", "route=a", ClientInvalid, -1, 0, false},
		{"two fields", "route=a|1700000000", ClientInvalid, -1, 0, false},
		{"four fields without secret", "route=a|1700000000|1700000000|x", ClientInvalid, -1, 0, false},
		{"empty lastseen", "route=a||1700000000", ClientInvalid, -1, 0, false},
		{"empty firstseen", "route=a|1700000000|", ClientInvalid, -1, 0, false},
		{"letter in timestamp", "route=a|17000000x0|1700000000", ClientInvalid, -1, 0, false},
		{"minus sign", "route=a|-1|1700000000", ClientInvalid, -1, 0, false},
		{"plus sign", "route=a|+1700000000|1700000000", ClientInvalid, -1, 0, false},
		{"inner space", "route=a| 1700000000|1700000000", ClientInvalid, -1, 0, false},
		{"decimal point", "route=a|1700000000.0|1700000000", ClientInvalid, -1, 0, false},
		{"non-ASCII digit", "route=a|１7|1700000000", ClientInvalid, -1, 0, false},
		{"20-digit overflow", "route=a|99999999999999999999|1700000000", ClientInvalid, -1, 0, false},
		{"max int64 is far future", "route=a|9223372036854775807|1700000000", ClientInvalid, -1, 0, false},
		{"max int64 plus one overflows", "route=a|9223372036854775808|1700000000", ClientInvalid, -1, 0, false},
		{"pipes only", "route=||", ClientInvalid, -1, 0, false},
		{"tilde is part of the sid", "route=a~|1700000000|1700000000", ClientInvalid, -1, 0, true},
		{"expired first, valid second", ts("a", 61, 1) + "; " + ts("c", 1, 1), ClientValid, 2, testNow - 1, false},
		{"invalid first, expired second reports expiry", "route=x; " + ts("a", 61, 1), ClientIdle, -1, 0, false},
	}
	p := mustPolicy(t, timedCfg(60*time.Second, time.Hour))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Read(lines(tt.cookie), testNow, nil)
			want := Client{State: tt.wantState, Peer: tt.wantPeer, FirstSeen: tt.wantFirst, Unknown: tt.unknown}
			if got != want {
				t.Errorf("Read(%q) = %+v, want %+v", tt.cookie, got, want)
			}
		})
	}
}

func TestReadTimedOneLimitOnly(t *testing.T) {
	idleOnly := mustPolicy(t, timedCfg(time.Minute, 0))
	lifeOnly := mustPolicy(t, timedCfg(0, time.Hour))
	tests := []struct {
		name   string
		p      *Policy
		cookie string
		want   State
	}{
		{"maxidle only: life unlimited", idleOnly, ts("a", 1, testNow), ClientValid},
		{"maxidle only: idle enforced", idleOnly, ts("a", 61, 61), ClientIdle},
		{"maxlife only: idle unlimited", lifeOnly, ts("a", 3000, 3000), ClientValid},
		{"maxlife only: life enforced", lifeOnly, ts("a", 0, 3601), ClientOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Read(lines(tt.cookie), testNow, nil).State; got != tt.want {
				t.Errorf("Read(%q) = %v, want %v", tt.cookie, got, tt.want)
			}
		})
	}
}

func TestReadTimedSigned(t *testing.T) {
	// MAC computed independently with Python:
	// hmac.new(b"s3cret", b"a|1700000000|1699990000", sha256).hexdigest()[:32]
	const good = "route=a|1700000000|1699990000|3fb4bbfcbf579cad48ebaee68fbd7acd"
	tests := []struct {
		name   string
		maxIdl time.Duration
		cookie string
		want   State
	}{
		{"good MAC", time.Minute, good, ClientValid},
		{"missing MAC", time.Minute, "route=a|1700000000|1699990000", ClientInvalid},
		{"empty MAC", time.Minute, "route=a|1700000000|1699990000|", ClientInvalid},
		{"upper-case MAC", time.Minute, "route=a|1700000000|1699990000|3FB4BBFCBF579CAD48EBAEE68FBD7ACD", ClientInvalid},
		{"truncated MAC", time.Minute, good[:len(good)-1], ClientInvalid},
		{"extra field", time.Minute, good + "|x", ClientInvalid},
		{"forged lastseen", time.Minute, "route=a|1700000001|1699990000|3fb4bbfcbf579cad48ebaee68fbd7acd", ClientInvalid},
		{"forged sid", time.Minute, "route=b|1700000000|1699990000|3fb4bbfcbf579cad48ebaee68fbd7acd", ClientInvalid},
		{"good MAC, lastseen is now, short maxidle", time.Second, good, ClientValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, cfgWith(func(c *Config) { c.MaxIdle, c.MaxLife, c.Secret = tt.maxIdl, 20000*time.Second, "s3cret" }))
			if got := p.Read(lines(tt.cookie), testNow, nil).State; got != tt.want {
				t.Errorf("Read(%q) = %v, want %v", tt.cookie, got, tt.want)
			}
		})
	}
	// A correctly signed but stale cookie is E, not I: the MAC proves gw wrote it.
	p := mustPolicy(t, cfgWith(func(c *Config) { c.MaxIdle, c.Secret = time.Minute, "s3cret" }))
	if got := p.Read(lines(good), testNow+61, nil).State; got != ClientIdle {
		t.Errorf("signed stale cookie = %v, want E", got)
	}
}

func TestParseUnix(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1700000000", 1700000000, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"9223372036854775808", 0, false},
		{"18446744073709551616", 0, false},
		{"", 0, false},
		{"1e9", 0, false},
		{"-5", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseUnix([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseUnix(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
