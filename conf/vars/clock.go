package vars

import (
	"sync/atomic"
	"time"
)

// now is the clock; tests replace it.
var now = time.Now

// nginx's layouts: $time_local is the Common Log Format date, $time_iso8601
// always carries a numeric offset ("+00:00", never "Z").
const (
	layoutLocal   = "02/Jan/2006:15:04:05 -0700"
	layoutISO8601 = "2006-01-02T15:04:05-07:00"
)

// stamp is the formatted forms of one second. Log lines in the same second
// share one stamp, so formatting a date costs once per second, not once per
// request; a stamp is immutable once published.
type stamp struct {
	sec   int64
	local []byte
	iso   []byte
}

var lastStamp atomic.Pointer[stamp]

// stampAt returns the stamp for t's second, formatting it if the cached one
// is for another second. Two goroutines crossing a second may both format;
// either result is correct, so no lock is needed.
func stampAt(t time.Time) *stamp {
	sec := t.Unix()
	if s := lastStamp.Load(); s != nil && s.sec == sec {
		return s
	}
	t = t.Local()
	s := &stamp{
		sec:   sec,
		local: t.AppendFormat(make([]byte, 0, len(layoutLocal)), layoutLocal),
		iso:   t.AppendFormat(make([]byte, 0, len(layoutISO8601)), layoutISO8601),
	}
	lastStamp.Store(s)
	return s
}

func getTimeLocal(dst []byte, _ *Request, _ *part) []byte {
	return append(dst, stampAt(now()).local...)
}

func getTimeISO8601(dst []byte, _ *Request, _ *part) []byte {
	return append(dst, stampAt(now()).iso...)
}

// getMsec is $msec: the current time in seconds with millisecond
// resolution ("1700000000.123").
func getMsec(dst []byte, _ *Request, _ *part) []byte {
	ms := now().UnixMilli()
	return appendMillis(dst, ms)
}

// getRequestTime is $request_time: seconds with millisecond resolution
// from Request.Start (or the time fasthttp started the handler) to
// Request.End (or now).
func getRequestTime(dst []byte, r *Request, _ *part) []byte {
	start := r.Start
	if start.IsZero() && r.Ctx != nil {
		start = r.Ctx.Time()
	}
	if start.IsZero() {
		return appendSeconds(dst, 0)
	}
	end := r.End
	if end.IsZero() {
		end = now()
	}
	return appendSeconds(dst, end.Sub(start))
}

// appendSeconds writes d as nginx writes durations: whole seconds, a dot,
// three digits of milliseconds; negative durations count as zero.
func appendSeconds(dst []byte, d time.Duration) []byte {
	return appendMillis(dst, max(d.Milliseconds(), 0))
}

func appendMillis(dst []byte, ms int64) []byte {
	dst = appendInt(dst, ms/1000)
	frac := ms % 1000
	if frac < 0 {
		frac = -frac
	}
	return append(dst, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}
