package proxyproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"
)

// Header is what a PROXY protocol header said.
type Header struct {
	// Version is 1 or 2.
	Version int
	// Src and Dst are the client's and the balancer's addresses. Both are
	// invalid when the header carries none: v1 UNKNOWN, a v2 LOCAL
	// command, a transport other than stream or a family other than IPv4
	// and IPv6 (nginx then serves the connection as its own).
	Src, Dst netip.AddrPort
}

// HasAddrs reports whether the header named the client.
func (h *Header) HasAddrs() bool { return h.Src.IsValid() }

// Sizes of the header: HAProxy's specification bounds a v1 line at 107
// bytes (CRLF included); a v2 header is 16 bytes and the length its
// field gives, which gw bounds at MaxV2 as nginx bounds it by its buffer.
const (
	MaxV1     = 107
	v2Fixed   = 16
	MaxV2     = 4096
	v1Prefix  = "PROXY "
	v2AddrIn4 = 12
	v2AddrIn6 = 36
)

// v2Sig is the signature a v2 header starts with.
var v2Sig = []byte("\r\n\r\n\x00\r\nQUIT\n")

// ErrIncomplete is Parse's answer when the bytes so far may still begin a
// valid header: read more.
var ErrIncomplete = errors.New("incomplete PROXY protocol header")

// Error is a header gw refuses; its text is nginx's error-log message
// ("broken header: ...", "header is too large", "unknown PROXY protocol
// version: N").
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// Parse reads the header at the start of b. It returns the header and how
// many bytes of b it took, ErrIncomplete when b is the beginning of a
// header that may still be valid, or an *Error.
func Parse(b []byte) (Header, int, error) {
	if len(b) > 0 && b[0] == v2Sig[0] {
		n := min(len(b), len(v2Sig))
		if bytes.Equal(b[:n], v2Sig[:n]) {
			if len(b) < v2Fixed {
				return Header{}, 0, ErrIncomplete
			}
			return parseV2(b)
		}
	}
	return parseV1(b)
}

// parseV1 reads "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or
// "PROXY UNKNOWN...\r\n".
func parseV1(b []byte) (Header, int, error) {
	n := min(len(b), len(v1Prefix))
	if string(b[:n]) != v1Prefix[:n] {
		return Header{}, 0, broken(b)
	}
	end := bytes.IndexByte(b[:min(len(b), MaxV1)], '\n')
	if end < 0 {
		if len(b) >= MaxV1 {
			return Header{}, 0, broken(b)
		}
		return Header{}, 0, ErrIncomplete
	}
	if end == 0 || b[end-1] != '\r' {
		return Header{}, 0, broken(b)
	}
	line := b[len(v1Prefix) : end-1]
	h := Header{Version: 1}
	if bytes.HasPrefix(line, []byte("UNKNOWN")) {
		return h, end + 1, nil // the rest of the line is ignored, as nginx does
	}
	if len(line) < 5 || string(line[:3]) != "TCP" || (line[3] != '4' && line[3] != '6') || line[4] != ' ' {
		return Header{}, 0, broken(b)
	}
	f := bytes.Split(line[5:], []byte{' '})
	if len(f) != 4 {
		return Header{}, 0, broken(b)
	}
	src, err1 := netip.ParseAddr(string(f[0]))
	dst, err2 := netip.ParseAddr(string(f[1]))
	sp, ok1 := port(f[2])
	dp, ok2 := port(f[3])
	if err1 != nil || err2 != nil || !ok1 || !ok2 || src.Zone() != "" || dst.Zone() != "" {
		return Header{}, 0, broken(b)
	}
	h.Src = netip.AddrPortFrom(src.Unmap(), sp)
	h.Dst = netip.AddrPortFrom(dst.Unmap(), dp)
	return h, end + 1, nil
}

// port is nginx's ngx_atoi for a port: decimal digits only, 0 to 65535.
func port(s []byte) (uint16, bool) {
	if len(s) == 0 || len(s) > 5 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return uint16(n), n <= 65535
}

// parseV2 reads a binary header: signature, version and command, family
// and transport, length, then the addresses; what follows them within the
// length (TLVs) is skipped.
func parseV2(b []byte) (Header, int, error) {
	if v := b[12] >> 4; v != 2 {
		return Header{}, 0, &Error{"unknown PROXY protocol version: " + strconv.Itoa(int(v))}
	}
	total := v2Fixed + int(binary.BigEndian.Uint16(b[14:16]))
	if total > MaxV2 {
		return Header{}, 0, &Error{"header is too large"}
	}
	if len(b) < total {
		return Header{}, 0, ErrIncomplete
	}
	h := Header{Version: 2}
	body := b[v2Fixed:total]
	// Only PROXY over a stream is a client's connection; LOCAL (health
	// checks of the balancer itself) and the rest carry no address that
	// applies, so the connection is served as its own.
	if b[12]&0x0f != 1 || b[13]&0x0f != 1 {
		return h, total, nil
	}
	switch b[13] >> 4 {
	case 1: // AF_INET
		if len(body) < v2AddrIn4 {
			return Header{}, 0, &Error{"broken header: PROXY protocol v2 address block too short"}
		}
		h.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(body[0:4])), binary.BigEndian.Uint16(body[8:10]))
		h.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(body[4:8])), binary.BigEndian.Uint16(body[10:12]))
	case 2: // AF_INET6
		if len(body) < v2AddrIn6 {
			return Header{}, 0, &Error{"broken header: PROXY protocol v2 address block too short"}
		}
		src := netip.AddrFrom16([16]byte(body[0:16])).Unmap()
		dst := netip.AddrFrom16([16]byte(body[16:32])).Unmap()
		h.Src = netip.AddrPortFrom(src, binary.BigEndian.Uint16(body[32:34]))
		h.Dst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(body[34:36]))
	}
	return h, total, nil
}

// broken is nginx's message for a header it cannot read: the bytes up to
// the first CR or LF, bytes that are not printable ASCII written \xNN so
// the log line stays one line of text.
func broken(b []byte) error {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	b = b[:min(len(b), MaxV1)]
	out := make([]byte, 0, len(b)+32)
	out = append(out, `broken header: "`...)
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			out = append(out, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			continue
		}
		out = append(out, c)
	}
	out = append(out, '"')
	return &Error{string(out)}
}
