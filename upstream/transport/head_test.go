package transport

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gw-proxy/gw/upstream/resphead"
	"github.com/valyala/fasthttp"
)

// pxHeadReader is a reader over raw as an upstream connection's: the
// transport's buffer size.
func pxHeadReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, ResponseHeaderMax) }

func TestReadResponseHead(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		status    int
		length    int    // Content-Length as fasthttp reports it
		header    string // a header that must be there, "Name: value"
		rest      string // what stays in the reader
	}{
		{"CRLF", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\n\r\nok", 200, 2, "X-A: 1", "ok"},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\nX-A: 1\n\nok", 200, 2, "X-A: 1", "ok"},
		{"mixed", "HTTP/1.1 200 OK\r\nContent-Length: 2\nX-A: 1\r\n\nok", 200, 2, "X-A: 1", "ok"},
		{"CRLF lines, LF empty line", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\nok", 200, 2, "", "ok"},
		{"LF lines, CRLF empty line", "HTTP/1.1 200 OK\nContent-Length: 2\n\r\nok", 200, 2, "", "ok"},
		{"body holds CRLFCRLF", "HTTP/1.1 200 OK\nContent-Length: 6\n\n\r\n\r\nxx", 200, 6, "", "\r\n\r\nxx"},
		{"no headers, LF", "HTTP/1.1 204 No Content\n\n", 204, -2, "", ""},
		{"chunked", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\r\nok\r\n0\r\n\r\n", 200, -1, "", "2\r\nok\r\n0\r\n\r\n"},
		{"chunked, any case", "HTTP/1.1 200 OK\r\nTransfer-Encoding:  ChunKed \r\n\r\n", 200, -1, "", ""},
		{"interim responses", "HTTP/1.1 100 Continue\n\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\nContent-Length: 0\n\n", 200, 0, "", ""},
		{"empty value", "HTTP/1.1 200 OK\r\nX-A:\r\nContent-Length: 0\r\n\r\n", 200, 0, "X-A: ", ""},
		{"interim responses, then the common form", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\nX-F: 1\r\nContent-Length: 2\r\n\r\nok", 200, 2, "X-F: 1", "ok"},
		{"whitespace before a colon, dropped (RFC 9112 5.1)", "HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 0\r\n\r\n", 200, 0, "X-A: 1", ""},
		{"the first of two Content-Types, as nginx keeps it", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-type:  text/html\r\nContent-Length: 0\r\n\r\n", 200, 0, "Content-Type: text/plain", ""},
		{"the first of two Content-Encodings, bare LF", "HTTP/1.1 200 OK\nContent-Encoding: gzip \nContent-Encoding: br\nContent-Length: 0\n\n", 200, 0, "Content-Encoding: gzip", ""},
		{"token punctuation", "HTTP/1.1 200 OK\r\nX!#$%&'*+-.^_`|~9: v\r\nContent-Length: 0\r\n\r\n", 200, 0, "X!#$%&'*+-.^_`|~9: v", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Whole, and one byte per read: the block may arrive in pieces.
			for _, r := range []io.Reader{strings.NewReader(tc.raw), iotest.OneByteReader(strings.NewReader(tc.raw))} {
				br := pxHeadReader(r)
				var resp fasthttp.Response
				var uh resphead.Head
				resp.Header.DisableNormalizing()
				if err := ReadResponseHead(br, &resp.Header, &uh); err != nil {
					t.Fatalf("%T: %v", r, err)
				}
				if resp.StatusCode() != tc.status || uh.Status() != tc.status || resp.Header.ContentLength() != tc.length {
					t.Errorf("%T: status %d (head %d), length %d", r, resp.StatusCode(), uh.Status(), resp.Header.ContentLength())
				}
				if uh.Peek("link") != nil || resp.Header.ConnectionClose() {
					t.Errorf("%T: an interim response's header stayed", r)
				}
				if tc.header != "" {
					k, v, _ := strings.Cut(tc.header, ": ")
					if got := string(uh.Peek(k)); got != v {
						t.Errorf("%T: %s = %q, want %q", r, k, got, v)
					}
				}
				if rest, _ := io.ReadAll(br); string(rest) != tc.rest {
					t.Errorf("%T: left %q, want %q", r, rest, tc.rest)
				}
			}
		})
	}
}

func TestReadResponseHeadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, raw, msg string // msg: the error-log words, "" for fasthttp's own refusal
	}{
		{"space in name", "HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n", `upstream sent invalid header: "X\x20..."`},
		{"space in name and before colon", "HTTP/1.1 200 OK\r\nX A : 1\r\n\r\n", `upstream sent invalid header: "X\x20..."`},
		{"space before the colon of Content-Length", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n", `upstream sent invalid header: "Content-Length\x20..."`},
		{"tab before the colon of Transfer-Encoding", "HTTP/1.1 200 OK\ntransfer-encoding\t: chunked\n\n", `upstream sent invalid header: "transfer-encoding\x09..."`},
		{"space in name, Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nX A: 1\r\n\r\n", `upstream sent invalid header: "X\x20..."`},
		{"control byte in name", "HTTP/1.1 200 OK\r\nX\x01A: 1\r\n\r\n", `upstream sent invalid header: "X\x01..."`},
		{"empty name", "HTTP/1.1 200 OK\r\n: 1\r\n\r\n", `upstream sent invalid header: "\x3a..."`},
		{"no colon", "HTTP/1.1 200 OK\r\nX-A\r\n\r\n", `upstream sent invalid header: "X-A\x0d..."`},
		{"no colon, LF", "HTTP/1.1 200 OK\nX-A\n\n", `upstream sent invalid header: "X-A\x0a..."`},
		{"obs-fold", "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n", `upstream sent invalid header: "\x20..."`},
		{"obs-fold, tab", "HTTP/1.1 200 OK\nX-A: 1\n\t2\n\n", `upstream sent invalid header: "\x09..."`},
		{"first line folded", "HTTP/1.1 200 OK\r\n X-A: 1\r\n\r\n", `upstream sent invalid header: "\x20..."`},
		{"bare CR in a value", "HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n", `upstream sent invalid header: "X-A: 1\x0d..."`},
		{"bare CR ends the line", "HTTP/1.1 200 OK\r\nX-A: 1\rContent-Length: 0\r\n\r\n", `upstream sent invalid header: "X-A: 1\x0d..."`},
		{"bare CR for the empty line", "HTTP/1.1 200 OK\r\nX-A: 1\r\n\rX", `upstream sent invalid header: "\x0d..."`},
		{"bare CR in the status line", "HTTP/1.1 200 O\rK\r\n\r\n", "upstream sent no valid HTTP/1.0 header"},
		{"Content-Length and Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
			`upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time`},
		{"Transfer-Encoding and Content-Length", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\ncontent-length: 2\n\n",
			`upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time`},
		{"the same over HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
			`upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time`},
		{"two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length:  9 \r\n\r\n",
			`upstream sent duplicate header line: "Content-Length: 9", previous value: "Content-Length: 2"`},
		{"two equal Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nCONTENT-LENGTH: 2\r\n\r\n",
			`upstream sent duplicate header line: "CONTENT-LENGTH: 2", previous value: "Content-Length: 2"`},
		{"two Transfer-Encodings", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
			`upstream sent duplicate header line: "Transfer-Encoding: chunked", previous value: "Transfer-Encoding: chunked"`},
		{"gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", `upstream sent unknown "Transfer-Encoding": "gzip"`},
		{"gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", `upstream sent unknown "Transfer-Encoding": "gzip, chunked"`},
		{"identity", "HTTP/1.0 200 OK\nTransfer-Encoding: identity\n\n", `upstream sent unknown "Transfer-Encoding": "identity"`},
		{"bad status line", "HTTP/1.1 2000 OK\r\n\r\n", ""},
		{"empty line first", "\r\nHTTP/1.1 200 OK\r\n\r\n", "upstream sent no valid HTTP/1.0 header"},
		{"non-token byte in name", "HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n", `upstream sent invalid header: "X\x28..."`},
		{"high byte in name", "HTTP/1.1 200 OK\r\nX\xc3\xa9: 1\r\n\r\n", `upstream sent invalid header: "X\xc3..."`},
		{"NUL in a value", "HTTP/1.1 200 OK\r\nX-A: 1\x002\r\n\r\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp fasthttp.Response
			err := ReadResponseHead(pxHeadReader(strings.NewReader(tc.raw)), &resp.Header, new(resphead.Head))
			if err == nil {
				t.Fatalf("accepted; status %d", resp.StatusCode())
			}
			// gw's own refusals carry nginx's words; fasthttp's parse
			// errors the proxy logs as "upstream sent invalid header".
			var he *HeadError
			switch {
			case tc.msg != "" && (!errors.As(err, &he) || he.Msg != tc.msg):
				t.Errorf("%v, want HeadError %q", err, tc.msg)
			case tc.msg == "" && !errors.As(err, &he) && !strings.HasPrefix(err.Error(), "error when reading response headers"):
				t.Errorf("%v is neither gw's refusal nor fasthttp's parse error", err)
			}
		})
	}
}

func TestReadResponseHeadFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"closed before a byte", strings.NewReader(""), io.EOF},
		{"closed inside the header", strings.NewReader("HTTP/1.1 200 OK\nContent-Le"), io.ErrUnexpectedEOF},
		{"closed before the empty line", strings.NewReader("HTTP/1.1 200 OK\n"), io.ErrUnexpectedEOF},
		{"too big", strings.NewReader("HTTP/1.1 200 OK\r\nX-A: " + strings.Repeat("a", ResponseHeaderMax)), errHeadTooBig},
		{"too many interim responses", strings.NewReader(strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", maxInterim+2)), errTooManyInterim},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp fasthttp.Response
			err := ReadResponseHead(pxHeadReader(tc.r), &resp.Header, new(resphead.Head))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzReadResponseHead: no input makes the reader panic or hang, and an
// accepted block was consumed exactly to its empty line, as the scanner
// saw it: fasthttp and gw never disagree on where the body starts.
func FuzzReadResponseHead(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\n\r\n\r\n",
		"HTTP/1.1 100 Continue\n\nHTTP/1.0 204 No Content\r\nX: 1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-A: 1\r2\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var first headScanner
		if n, err := first.scan(raw); err == nil && n > 0 {
			_ = strictCheck(raw[:n]) // must not panic on any complete block
		}
		var resp fasthttp.Response
		var uh resphead.Head
		br := pxHeadReader(bytes.NewReader(raw))
		if err := ReadResponseHead(br, &resp.Header, &uh); err != nil {
			return
		}
		if uh.Status() != resp.StatusCode() {
			t.Fatalf("%q: head status %d, fasthttp's %d", raw, uh.Status(), resp.StatusCode())
		}
		// Where the final block ends, by the scanner run over the input
		// again (interim blocks first).
		end := 0
		for {
			var s headScanner
			n, err := s.scan(raw[end:])
			if err != nil || n == 0 {
				t.Fatalf("accepted %q, but the scanner says %d, %v at %d", raw, n, err, end)
			}
			var h fasthttp.ResponseHeader
			if herr := h.Read(bufio.NewReader(bytes.NewReader(AppendCRLF(nil, raw[end:end+n], false)))); herr != nil {
				t.Fatalf("accepted %q, but its block %q does not parse: %v", raw, raw[end:end+n], herr)
			}
			end += n
			if s := h.StatusCode(); s < 100 || s > 199 || s == 101 {
				break
			}
		}
		if left := len(raw) - end; br.Buffered() != left {
			t.Fatalf("%q: %d bytes left after the header, want %d", raw, br.Buffered(), left)
		}
	})
}

// BenchmarkReadResponseHead compares gw's reading (the check, then
// resphead.Parse, or fasthttp's parse for a block of bare LFs) with
// fasthttp's parse alone, for a typical header.
func BenchmarkReadResponseHead(b *testing.B) {
	raw := "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 03 Dec 2026 18:00:00 GMT\r\n" +
		"Content-Type: text/html\r\nContent-Length: 43\r\nConnection: keep-alive\r\n" +
		"Set-Cookie: PHPSESSID=abcdef0123456789; path=/\r\n\r\n"
	body := strings.Repeat("x", 43)
	b.Run("gw check alone", func(b *testing.B) {
		in := []byte(raw + body)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var s headScanner
			if n, err := s.scan(in); n != len(raw) || err != nil {
				b.Fatal(n, err)
			}
		}
	})
	for _, bc := range []struct {
		name string
		read func(*bufio.Reader, *fasthttp.ResponseHeader, *resphead.Head) error
		raw  string
	}{
		{"fasthttp alone", func(br *bufio.Reader, h *fasthttp.ResponseHeader, _ *resphead.Head) error { return h.Read(br) }, raw},
		{"gw", ReadResponseHead, raw},
		{"gw, bare LF", ReadResponseHead, strings.ReplaceAll(raw, "\r\n", "\n")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := []byte(bc.raw + body)
			rd := bytes.NewReader(in)
			br := pxHeadReader(rd)
			var h fasthttp.ResponseHeader
			var uh resphead.Head
			h.DisableNormalizing()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rd.Reset(in)
				br.Reset(rd)
				if err := bc.read(br, &h, &uh); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
