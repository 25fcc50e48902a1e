package vars

import (
	"testing"
	"time"
)

// setClock fixes now() and the local zone for one test.
func setClock(t *testing.T, at time.Time, zone *time.Location) {
	t.Helper()
	oldNow, oldLocal := now, time.Local
	now, time.Local = func() time.Time { return at }, zone
	lastStamp.Store(nil)
	t.Cleanup(func() {
		now, time.Local = oldNow, oldLocal
		lastStamp.Store(nil)
	})
}

func TestTimeVariables(t *testing.T) {
	at := time.Date(2026, time.November, 21, 11, 17, 10, 123_456_789, time.UTC)
	tests := []struct {
		name string
		zone *time.Location
		src  string
		want string
	}{
		{"time_local in UTC", time.UTC, "$time_local", "21/Nov/2026:11:17:10 +0000"},
		{"time_local in the local zone", time.FixedZone("CET", 3600), "$time_local", "21/Nov/2026:12:17:10 +0100"},
		{"time_iso8601 writes +00:00, never Z", time.UTC, "$time_iso8601", "2026-11-21T11:17:10+00:00"},
		{"time_iso8601 with a negative offset", time.FixedZone("X", -(5*3600 + 30*60)), "$time_iso8601", "2026-11-21T05:47:10-05:30"},
		{"msec has millisecond resolution", time.UTC, "$msec", "1795259830.123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setClock(t, at, tt.zone)
			if got := eval(t, tt.src, nil); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestRequestTime(t *testing.T) {
	at := time.Date(2026, time.November, 21, 11, 17, 10, 0, time.UTC)
	setClock(t, at, time.UTC)
	tests := []struct {
		name  string
		start time.Time
		want  string
	}{
		{"milliseconds since start", at.Add(-2345 * time.Millisecond), "2.345"},
		{"sub-millisecond rounds down", at.Add(-999 * time.Microsecond), "0.000"},
		{"start in the future counts as zero", at.Add(time.Second), "0.000"},
		{"no start at all", time.Time{}, "0.000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eval(t, "$request_time", &Request{Start: tt.start}); got != tt.want {
				t.Errorf("$request_time = %q, want %q", got, tt.want)
			}
		})
	}
}

// A response whose body was sent after the handler returned has its end
// recorded: $request_time covers the body, however late the log is written.
func TestRequestTimeEndsAtEnd(t *testing.T) {
	at := time.Date(2026, time.November, 21, 11, 17, 10, 0, time.UTC)
	setClock(t, at, time.UTC)
	r := &Request{Start: at.Add(-3 * time.Second), End: at.Add(-500 * time.Millisecond)}
	if got := eval(t, "$request_time", r); got != "2.500" {
		t.Errorf("$request_time = %q, want 2.500 (start to end, not to now)", got)
	}
}

func TestStampIsFormattedOncePerSecond(t *testing.T) {
	at := time.Date(2026, time.November, 21, 11, 17, 10, 0, time.UTC)
	setClock(t, at, time.UTC)
	first := stampAt(at)
	if again := stampAt(at.Add(999 * time.Millisecond)); again != first {
		t.Error("a time within the same second formatted a new stamp")
	}
	next := stampAt(at.Add(time.Second))
	if next == first || string(next.local) != "21/Nov/2026:11:17:11 +0000" {
		t.Errorf("the next second kept the old stamp or formatted %q", next.local)
	}
}

func TestAppendSeconds(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.000"},
		{2 * time.Millisecond, "0.002"},
		{1500 * time.Millisecond, "1.500"},
		{61*time.Second + 700*time.Microsecond, "61.000"},
		{-time.Second, "0.000"},
	}
	for _, tt := range tests {
		if got := string(appendSeconds(nil, tt.d)); got != tt.want {
			t.Errorf("appendSeconds(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
