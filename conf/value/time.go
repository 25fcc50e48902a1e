package value

import (
	"strings"
	"time"
)

// timeUnits are nginx's time units, largest first; a time lists them in
// this order ("1h30m", never "30m1h"), as ngx_parse_time demands.
var timeUnits = []struct {
	unit string
	d    time.Duration
}{
	{"y", 365 * 24 * time.Hour},
	{"M", 30 * 24 * time.Hour},
	{"w", 7 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
	{"ms", time.Millisecond},
}

// Time parses an nginx time for a directive that takes milliseconds
// (timeouts): "60", "60s", "1m30s", "500ms". A bare number is seconds, as in
// nginx.
func Time(s string) (time.Duration, bool) { return parse(s, true) }

// Seconds parses an nginx time for a parameter that takes whole seconds
// (fail_timeout=, session_sticky's times, keepalive_timeout's header
// value): "500ms" is refused, as ngx_parse_time refuses it there.
func Seconds(s string) (time.Duration, bool) { return parse(s, false) }

// parse parses an nginx time such as "30", "30s", "1h 30m" or, when msec is
// set, "500ms". A number without a unit is seconds and may only come last.
// ok is false for anything else, including an overflow.
func parse(s string, msec bool) (d time.Duration, ok bool) {
	const maxInt = 1<<63 - 1
	prev := time.Duration(maxInt) // the previous unit: each must be smaller
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		n, j := int64(0), i
		for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			if n > (maxInt-int64(s[j]-'0'))/10 {
				return 0, false
			}
			n = n*10 + int64(s[j]-'0')
		}
		if j == i {
			return 0, false
		}
		unit, k := unitAt(s[j:])
		if unit == 0 && j != len(s) {
			return 0, false
		}
		if unit == 0 {
			unit = time.Second // a bare number at the end is seconds
		}
		if unit >= prev || (unit == time.Millisecond && !msec) {
			return 0, false
		}
		if time.Duration(n) > (maxInt-d)/unit {
			return 0, false
		}
		d += time.Duration(n) * unit
		prev, ok, i = unit, true, j+k
	}
	return d, ok
}

// unitAt returns the duration of the unit s starts with and the unit's
// length, or 0, 0.
func unitAt(s string) (time.Duration, int) {
	if strings.HasPrefix(s, "ms") { // before "m", which it starts with
		return time.Millisecond, 2
	}
	for _, u := range timeUnits {
		if strings.HasPrefix(s, u.unit) {
			return u.d, len(u.unit)
		}
	}
	return 0, 0
}
