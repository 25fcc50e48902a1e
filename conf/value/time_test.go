package value

import (
	"testing"
	"time"
)

func TestTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"60", 60 * time.Second, true},
		{"30s", 30 * time.Second, true},
		{"10m", 10 * time.Minute, true},
		{"1h", time.Hour, true},
		{"1d", 24 * time.Hour, true},
		{"500ms", 500 * time.Millisecond, true},
		{"1m30s", 90 * time.Second, true},
		{"1h 30m", 90 * time.Minute, true},
		{"1s500ms", 1500 * time.Millisecond, true},
		{"0", 0, true},
		{"", 0, false},
		{"s", 0, false},
		{"30s1m", 0, false},
		{"1m1m", 0, false},
		{"10q", 0, false},
		{"-5s", 0, false},
	}
	for _, tt := range tests {
		got, ok := Time(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Time(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestParse covers what TestTime's cases do not: the whole-seconds mode of
// server fail_timeout= and session_sticky times, the large units, and
// overflow.
func TestParse(t *testing.T) {
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
		got, ok := parse(tt.in, tt.msec)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parse(%q, %v) = %v, %v; want %v, %v", tt.in, tt.msec, got, ok, tt.want, tt.ok)
		}
	}
}
