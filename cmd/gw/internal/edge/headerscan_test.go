package edge

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/upstream/transport"
)

// scanAll feeds the scanner b in pieces of size n and rebuilds what
// Conn would hand fasthttp: CRLF-fixed header bytes, the rest as is.
func scanAll(b string, n int) (out string, end int, bare bool) {
	var s headerScan
	end = -1
	var sb strings.Builder
	for off := 0; off < len(b); off += n {
		piece := []byte(b[off:min(off+n, len(b))])
		if end >= 0 {
			sb.Write(piece)
			continue
		}
		cr := s.cr
		e, br := s.scan(piece)
		bare = bare || br
		hdr := len(piece)
		if e >= 0 {
			end, hdr = off+e, e
		}
		sb.Write(transport.AppendCRLF(nil, piece[:hdr], cr))
		sb.Write(piece[hdr:])
	}
	return sb.String(), end, bare
}

func TestHeaderScanBareCR(t *testing.T) {
	for in, bad := range map[string]bool{
		"GET / HTTP/1.1\rHost: a\r\r":  true,
		"GET / HTTP/1.1\r":             false, // the LF may still come
		"GET / HTTP/1.1\r\nHost: a\r":  false,
		"GET / HTTP/1.1\r\nHost: a\rb": true,
	} {
		for _, n := range []int{1, 3, 100} {
			var s headerScan
			for off := 0; off < len(in); off += n {
				s.scan([]byte(in[off:min(off+n, len(in))]))
			}
			if s.bad != bad {
				t.Errorf("%q in pieces of %d: bad = %v, want %v", in, n, s.bad, bad)
			}
		}
	}
}

func TestHeaderScan(t *testing.T) {
	cases := []struct {
		name, in, out string
		end           int // -1: the block does not end
		bare          bool
	}{
		{"CRLF block with a body", "GET / HTTP/1.1\r\nHost: a\r\n\r\nbo\ndy\n\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\nbo\ndy\n\n", 27, false},
		{"all LF", "GET / HTTP/1.1\nHost: a\n\nbody\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\nbody\n", 24, true},
		{"mixed", "GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\n", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n", 31, true},
		{"LF blank line after CRLF lines", "GET / HTTP/1.1\r\nHost: a\r\n\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 26, true},
		{"unfinished", "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HTTP/1.1\r\nHost: a\r\n", -1, false},
		{"leading empty lines are skipped", "\r\n\nGET / HTTP/1.0\n\n", "\r\n\r\nGET / HTTP/1.0\r\n\r\n", 19, true},
		{"a lone CR is content", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 26, false},
		{"CR line end", "GET / HTTP/1.1\r\nX: 1\r\r\n\r\n", "GET / HTTP/1.1\r\nX: 1\r\r\n\r\n", 25, false},
	}
	for _, c := range cases {
		for _, n := range []int{1, 2, 3, 7, 1000} {
			out, end, bare := scanAll(c.in, n)
			if out != c.out || end != c.end || bare != c.bare {
				t.Errorf("%s, pieces of %d: got %q end %d bare %v, want %q end %d bare %v", c.name, n, out, end, bare, c.out, c.end, c.bare)
			}
		}
	}
}

// FuzzHeaderScan: whatever arrives, in whatever pieces, the scanner finds
// the same block end, and the bytes after it are never changed.
func FuzzHeaderScan(f *testing.F) {
	f.Add("GET / HTTP/1.1\nHost: a\n\nbody", 3)
	f.Add("\r\n\r\nGET /\r\n\r\n\n", 1)
	f.Fuzz(func(t *testing.T, in string, n int) {
		if n <= 0 || n > 64 {
			return
		}
		whole, end, _ := scanAll(in, len(in)+1)
		pieces, pend, _ := scanAll(in, n)
		if whole != pieces || end != pend {
			t.Fatalf("pieces of %d changed the result: %q/%d vs %q/%d", n, pieces, pend, whole, end)
		}
		if end >= 0 && !strings.HasSuffix(whole, in[end:]) {
			t.Fatalf("the bytes after the block changed: %q", whole)
		}
		if strings.ReplaceAll(whole, "\r", "") != strings.ReplaceAll(in, "\r", "") {
			t.Fatalf("more than CRs changed: %q -> %q", in, whole)
		}
	})
}
