package check_test

import (
	"testing"

	"github.com/gw-proxy/gw/conf/check"
)

func TestStatusesHas(t *testing.T) {
	s := check.Status2xx | check.Status3xx
	for code, want := range map[int]bool{
		200: true, 204: true, 299: true, 301: true, 399: true,
		100: false, 199: false, 400: false, 404: false, 500: false, 0: false, 99: false, 600: false, -200: false,
	} {
		if s.Has(code) != want {
			t.Errorf("http_2xx http_3xx Has(%d) = %v", code, !want)
		}
	}
	all := check.Status1xx | check.Status2xx | check.Status3xx | check.Status4xx | check.Status5xx
	if !all.Has(101) || !all.Has(599) || all.Has(600) {
		t.Error("every class: 101 and 599 in, 600 out")
	}
}

func TestStatusesBits(t *testing.T) {
	// Bit i-1 for ixx: the value is part of the API.
	for s, want := range map[check.Statuses]uint8{
		check.Status1xx: 1, check.Status2xx: 2, check.Status3xx: 4, check.Status4xx: 8, check.Status5xx: 16,
	} {
		if uint8(s) != want {
			t.Errorf("%v = %d, want %d", s, s, want)
		}
	}
}

func TestStatusesString(t *testing.T) {
	if got := (check.Status2xx | check.Status5xx).String(); got != "http_2xx http_5xx" {
		t.Errorf("String %q", got)
	}
	if got := check.Statuses(0).String(); got != "" {
		t.Errorf("empty set %q", got)
	}
}
