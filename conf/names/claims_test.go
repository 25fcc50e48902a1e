package names

import "testing"

func TestClaims(t *testing.T) {
	for _, tc := range []struct {
		first, second string
		collide       bool
	}{
		{"a.test", "a.test", true},
		{"a.test", ".a.test", true},
		{".a.test", "a.test", true},
		{"*.a.test", ".a.test", true},
		{".a.test", "*.a.test", true},
		{"www.*", "www.*", true},
		{"a.test", "b.test", false},
		{"*.a.test", "a.test", false},
		{"www.*", "www.a", false},
		{"", "", true},
	} {
		c := NewClaims()
		if !c.Claim(tc.first) {
			t.Fatalf("%q refused on an empty address", tc.first)
		}
		if got := !c.Claim(tc.second); got != tc.collide {
			t.Errorf("%q after %q: collide %v, want %v", tc.second, tc.first, got, tc.collide)
		}
	}
}
