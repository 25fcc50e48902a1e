package conf

import (
	"testing"
	"time"
)

// TestParseNginxTime covers what values_test.go's parseTime cases do not:
// the whole-seconds mode of server fail_timeout= and session_sticky times,
// the large units, and overflow.
func TestParseNginxTime(t *testing.T) {
	tests := []struct {
		in   string
		msec bool
		want time.Duration
		ok   bool
	}{
		{"120", false, 120 * time.Second, true},
		{"8h", false, 8 * time.Hour, true},
		{"1w", false, 7 * 24 * time.Hour, true},
		{"1M", false, 30 * 24 * time.Hour, true},
		{"1y", false, 365 * 24 * time.Hour, true},
		{"1m30", false, 90 * time.Second, true},
		{"1m500ms", true, time.Minute + 500*time.Millisecond, true},
		{"500ms", false, 0, false},
		{"1s5", false, 0, false},
		{" ", false, 0, false},
		{"+1", false, 0, false},
		{"1.5s", false, 0, false},
		{"99999999999999999999", false, 0, false},
		{"9999999999999y", false, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseNginxTime(tt.in, tt.msec)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseNginxTime(%q, %v) = %v, %v; want %v, %v", tt.in, tt.msec, got, ok, tt.want, tt.ok)
		}
	}
}
