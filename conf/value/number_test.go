package value

import "testing"

func TestSize(t *testing.T) {
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
		got, ok := Size(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Size(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNumber(t *testing.T) {
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
		got, ok := Number(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Number(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
