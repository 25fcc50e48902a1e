package proxyproto

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, never takes more than it was
// given or than the protocol allows, and answers every prefix of a header
// it accepts with ErrIncomplete.
func FuzzParse(f *testing.F) {
	f.Add([]byte("PROXY TCP4 192.0.2.1 10.0.0.1 12345 443\r\nGET / HTTP/1.1\r\n"))
	f.Add([]byte("PROXY TCP6 2001:db8::1 2001:db8::2 1000 80\r\n"))
	f.Add([]byte("PROXY UNKNOWN\r\n"))
	f.Add(v2(0x21, 0x11, inet4Body(0x04, 0, 1, 'x')))
	f.Add(v2(0x21, 0x21, inet6Body()))
	f.Add(v2(0x20, 0x00, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := Parse(b)
		if err != nil {
			var e *Error
			if !errors.Is(err, ErrIncomplete) && !errors.As(err, &e) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if n <= 0 || n > len(b) || n > MaxV2 || (h.Version == 1 && n > MaxV1) {
			t.Fatalf("took %d of %d bytes (v%d)", n, len(b), h.Version)
		}
		for i := range n {
			if _, _, err := Parse(b[:i]); !errors.Is(err, ErrIncomplete) {
				t.Fatalf("prefix of %d bytes: %v, want incomplete", i, err)
			}
		}
	})
}
