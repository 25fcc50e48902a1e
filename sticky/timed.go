package sticky

import (
	"bytes"
	"math"
)

// maxFuture is how far in the future a timestamp may lie before the cookie
// is illegal: Tengine's one day of tolerance for clock skew between the
// proxies of a fleet.
const maxFuture = 86400

// decodeTimed reads "SID|LASTSEEN|FIRSTSEEN", plus "|MAC" when a secret is
// configured. The checks run from cheapest trust to most specific verdict:
// shape and digits, then the MAC (so forged timestamps are I, never E/O),
// then the future, then life before idle (when both are exceeded HAProxy
// ends on "old" too), then the sid.
func (p *Policy) decodeTimed(v []byte, now int64) Client {
	sid, rest, ok1 := bytes.Cut(v, sep)
	lastText, rest, ok2 := bytes.Cut(rest, sep)
	firstText, mac, signed := bytes.Cut(rest, sep)
	if !ok1 || !ok2 || signed != (p.macs != nil) {
		return invalid
	}
	last, ok1 := parseUnix(lastText)
	first, ok2 := parseUnix(firstText)
	if !ok1 || !ok2 {
		return invalid
	}
	if signed && !p.macOK(v[:len(v)-len(mac)-1], mac) {
		return invalid
	}
	// With now >= 0 and last, first >= 0 (parseUnix), nothing below overflows.
	now = max(now, 0)
	if last-now > maxFuture || first-now > maxFuture {
		return invalid
	}
	if p.maxLife > 0 && now-first > p.maxLife {
		return Client{State: ClientOld, Peer: -1}
	}
	if p.maxIdle > 0 && now-last > p.maxIdle {
		return Client{State: ClientIdle, Peer: -1}
	}
	return p.lookup(sid, first)
}

var sep = []byte{'|'}

// parseUnix parses a non-empty run of ASCII digits as Unix seconds. Signs,
// spaces and values beyond int64 are illegal, not clamped: a cookie carrying
// them was not written by gw.
func parseUnix(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
