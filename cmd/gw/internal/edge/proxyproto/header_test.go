package proxyproto

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
)

// v2 builds a v2 header: version and command byte, family and transport
// byte, and the body after the length field.
func v2(verCmd, famProto byte, body []byte) []byte {
	b := append([]byte(nil), v2Sig...)
	b = append(b, verCmd, famProto, 0, 0)
	binary.BigEndian.PutUint16(b[14:], uint16(len(body)))
	return append(b, body...)
}

func inet4Body(tlv ...byte) []byte {
	b := []byte{192, 0, 2, 1, 10, 0, 0, 1, 0x30, 0x39, 0x01, 0xbb} // 192.0.2.1:12345 -> 10.0.0.1:443
	return append(b, tlv...)
}

func inet6Body() []byte {
	b := make([]byte, 36)
	copy(b, netip.MustParseAddr("2001:db8::1").AsSlice())
	copy(b[16:], netip.MustParseAddr("2001:db8::2").AsSlice())
	binary.BigEndian.PutUint16(b[32:], 1000)
	binary.BigEndian.PutUint16(b[34:], 80)
	return b
}

func TestParse(t *testing.T) {
	ap := netip.MustParseAddrPort
	long := "PROXY TCP4 192.0.2.1 10.0.0.1 1 2" + string(make([]byte, 100))
	tests := []struct {
		name     string
		in       string
		src, dst string // "" when the header carries no address
		n        int    // bytes taken; 0 with an error
		err      string // "" ok, "incomplete", or the message
	}{
		{name: "v1 tcp4", in: "PROXY TCP4 192.0.2.1 10.0.0.1 12345 443\r\nGET /", src: "192.0.2.1:12345", dst: "10.0.0.1:443", n: 41},
		{name: "v1 tcp6", in: "PROXY TCP6 2001:db8::1 2001:db8::2 1000 80\r\n", src: "[2001:db8::1]:1000", dst: "[2001:db8::2]:80", n: 44},
		{name: "v1 unknown", in: "PROXY UNKNOWN\r\n", n: 15},
		{name: "v1 unknown with addresses", in: "PROXY UNKNOWN ff 1 2 3\r\nGET", n: 24},
		{name: "v1 port 0 and 65535", in: "PROXY TCP4 1.2.3.4 5.6.7.8 0 65535\r\n", src: "1.2.3.4:0", dst: "5.6.7.8:65535", n: 36},
		{name: "v1 empty", in: "", err: "incomplete"},
		{name: "v1 prefix only", in: "PROX", err: "incomplete"},
		{name: "v1 no line end yet", in: "PROXY TCP4 192.0.2.1 ", err: "incomplete"},
		{name: "http instead", in: "GET / HTTP/1.1\r\n", err: `broken header: "GET / HTTP/1.1"`},
		{name: "v1 lowercase", in: "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n", err: `broken header: "proxy TCP4 1.2.3.4 5.6.7.8 1 2"`},
		{name: "v1 bad protocol", in: "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", err: `broken header: "PROXY UDP4 1.2.3.4 5.6.7.8 1 2"`},
		{name: "v1 bad address", in: "PROXY TCP4 1.2.3.x 5.6.7.8 1 2\r\n", err: `broken header: "PROXY TCP4 1.2.3.x 5.6.7.8 1 2"`},
		{name: "v1 port too big", in: "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", err: `broken header: "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2"`},
		{name: "v1 port sign", in: "PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n", err: `broken header: "PROXY TCP4 1.2.3.4 5.6.7.8 +1 2"`},
		{name: "v1 missing port", in: "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", err: `broken header: "PROXY TCP4 1.2.3.4 5.6.7.8 1"`},
		{name: "v1 double space", in: "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", err: `broken header: "PROXY TCP4 1.2.3.4  5.6.7.8 1 2"`},
		{name: "v1 bare LF", in: "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", err: `broken header: "PROXY TCP4 1.2.3.4 5.6.7.8 1 2"`},
		{name: "v1 zone", in: "PROXY TCP6 fe80::1%eth0 fe80::2 1 2\r\n", err: `broken header: "PROXY TCP6 fe80::1%eth0 fe80::2 1 2"`},
		{name: "v1 too long", in: long, err: `broken header: "PROXY TCP4 192.0.2.1 10.0.0.1 1 2` + repeat(`\x00`, 74) + `"`},
		{name: "v2 tcp4", in: string(v2(0x21, 0x11, inet4Body())), src: "192.0.2.1:12345", dst: "10.0.0.1:443", n: 28},
		{name: "v2 tcp4 with TLVs", in: string(v2(0x21, 0x11, inet4Body(0x04, 0, 3, 'a', 'b', 'c'))) + "GET", src: "192.0.2.1:12345", dst: "10.0.0.1:443", n: 34},
		{name: "v2 tcp6", in: string(v2(0x21, 0x21, inet6Body())), src: "[2001:db8::1]:1000", dst: "[2001:db8::2]:80", n: 52},
		{name: "v2 local", in: string(v2(0x20, 0x00, nil)), n: 16},
		{name: "v2 local with addresses", in: string(v2(0x20, 0x11, inet4Body())), n: 28},
		{name: "v2 unspec", in: string(v2(0x21, 0x00, nil)), n: 16},
		{name: "v2 udp", in: string(v2(0x21, 0x12, inet4Body())), n: 28},
		{name: "v2 unix", in: string(v2(0x21, 0x31, make([]byte, 216))), n: 232},
		{name: "v2 signature only", in: string(v2Sig), err: "incomplete"},
		{name: "v2 body not all here", in: string(v2(0x21, 0x11, inet4Body())[:20]), err: "incomplete"},
		{name: "v2 version 1", in: string(v2(0x11, 0x11, inet4Body())), err: "unknown PROXY protocol version: 1"},
		{name: "v2 too short for tcp4", in: string(v2(0x21, 0x11, inet4Body()[:8])), err: "broken header: PROXY protocol v2 address block too short"},
		{name: "v2 too short for tcp6", in: string(v2(0x21, 0x21, inet4Body())), err: "broken header: PROXY protocol v2 address block too short"},
		{name: "v2 too large", in: string(v2(0x21, 0x11, make([]byte, MaxV2))), err: "header is too large"},
		{name: "v2 bad signature", in: "\r\n\r\nX", err: `broken header: ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := Parse([]byte(tt.in))
			switch {
			case tt.err == "incomplete":
				if !errors.Is(err, ErrIncomplete) {
					t.Fatalf("err = %v, want incomplete", err)
				}
				return
			case tt.err != "":
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if n != tt.n {
				t.Errorf("n = %d, want %d", n, tt.n)
			}
			if h.HasAddrs() != (tt.src != "") {
				t.Fatalf("HasAddrs = %v", h.HasAddrs())
			}
			if tt.src != "" && (h.Src != ap(tt.src) || h.Dst != ap(tt.dst)) {
				t.Errorf("src %v dst %v, want %s %s", h.Src, h.Dst, tt.src, tt.dst)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
