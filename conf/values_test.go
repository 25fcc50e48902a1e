package conf

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1024", 1024, true},
		{"8k", 8 << 10, true},
		{"8K", 8 << 10, true},
		{"10m", 10 << 20, true},
		{"10M", 10 << 20, true},
		{"2g", 2 << 30, true},
		{"", 0, false},
		{"k", 0, false},
		{"-1", 0, false},
		{"1.5m", 0, false},
		{"10x", 0, false},
		{"10kb", 0, false},
		{"99999999999999999999", 0, false},
		{"9999999999999g", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseSize(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseTime(t *testing.T) {
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
		got, ok := parseTime(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseTime(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true},
		{"1000", 1000, true},
		{"", 0, false},
		{"+1", 0, false},
		{"-1", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"99999999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseNumber(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
