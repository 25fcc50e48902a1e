package resphead

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestParseCommonForm(t *testing.T) {
	var h Head
	_, f, ok := h.Parse(crlf("HTTP/1.1 201 Created Here\nContent-Type:text/plain \nX-A:  1\t\nSet-Cookie: a=1; Path=/\n" +
		"set-cookie: B = 2\nContent-Length: 12\nX-Empty:\n\n"))
	if !ok {
		t.Fatal("refused")
	}
	if h.Status() != 201 || string(h.Reason()) != "Created Here" || f.ContentLength != 12 || f.Close {
		t.Fatalf("status %d %q, framing %+v", h.Status(), h.Reason(), f)
	}
	var lines []string
	for k, v := range h.All() {
		lines = append(lines, string(k)+"="+string(v))
	}
	want := "Content-Type=text/plain|X-A=1|Set-Cookie=a=1; Path=/|set-cookie=B = 2|Content-Length=12|X-Empty="
	if got := strings.Join(lines, "|"); got != want {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if string(h.Peek("x-a")) != "1" || string(h.ContentType()) != "text/plain" || h.Peek("X-None") != nil {
		t.Fatal("Peek")
	}
	var cookies []string
	for name, v := range h.Cookies() {
		cookies = append(cookies, string(name)+"|"+string(v))
	}
	if strings.Join(cookies, ",") != "a|a=1; Path=/,B|B = 2" {
		t.Fatalf("cookies %q", cookies)
	}
}

func TestParseFraming(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		length int
		close  bool
	}{
		{"HTTP/1.1 200 OK\nContent-Length: 0\n\n", 0, false},
		{"HTTP/1.1 200 OK\nTransfer-Encoding: Chunked\n\n", -1, false},
		{"HTTP/1.1 200 OK\n\n", -2, true},
		{"HTTP/1.1 200 OK\nConnection: keep-alive, Close\nContent-Length: 1\n\n", 1, true},
		{"HTTP/1.1 500\nContent-Length: 3\n\n", 3, false},
	} {
		var h Head
		_, f, ok := h.Parse(crlf(tc.raw))
		if !ok || f.ContentLength != tc.length || f.Close != tc.close {
			t.Errorf("%q: %+v, %v", tc.raw, f, ok)
		}
	}
}

// What Parse leaves to fasthttp's parser.
func TestParseLeavesRareForms(t *testing.T) {
	for _, raw := range []string{
		"HTTP/1.0 200 OK\nContent-Length: 0\n\n",
		"HTTP/1.1 100 Continue\n\n",
		"HTTP/1.1 204 No Content\n\n",
		"HTTP/1.1 304 Not Modified\nContent-Length: 5\n\n",
		"HTTP/1.1 2000 OK\n\n",
		"HTTP/1.1 200 OK\nX A: 1\n\n",
		"HTTP/1.1 200 OK\nX-A : 1\n\n",
		"HTTP/1.1 200 OK\nX-A: 1\x002\n\n",
		"HTTP/1.1 200 OK\nX-A: 1\x7f\n\n",
		"HTTP/1.1 200 OK\nContent-Length: 1\nContent-Length: 1\n\n",
		"HTTP/1.1 200 OK\nContent-Length: +1\n\n",
		"HTTP/1.1 200 OK\nTrailer: X\nTransfer-Encoding: chunked\n\n",
		"HTTP/1.1 200 OK\nConnection: upgrade\n\n",
	} {
		var h Head
		if _, _, ok := h.Parse(crlf(raw)); ok {
			t.Errorf("%q taken", raw)
		}
	}
	var h Head
	if _, _, ok := h.Parse([]byte("HTTP/1.1 200 OK\nX-A: 1\r\n\r\n")); ok {
		t.Error("a bare LF taken")
	}
}

func TestEdits(t *testing.T) {
	var h Head
	if _, _, ok := h.Parse(crlf("HTTP/1.1 200 OK\nCache-Control: no-store\nSet-Cookie: a=1\nX: y\nset-cookie: b=2\n\n")); !ok {
		t.Fatal("refused")
	}
	first := h.Peek("x")
	h.Del("set-cookie")
	h.Add("Set-Cookie", []byte("c=3"))
	if !h.Replace("cache-control", []byte("private")) || h.Replace("expires", nil) {
		t.Fatal("Replace")
	}
	var lines []string
	for k, v := range h.All() {
		lines = append(lines, string(k)+": "+string(v))
	}
	if got := strings.Join(lines, "|"); got != "Cache-Control: private|X: y|Set-Cookie: c=3" {
		t.Fatalf("after edits %q", got)
	}
	if string(first) != "y" {
		t.Fatal("a value read before the edits changed")
	}
	var c Head
	c.CopyFrom(&h)
	h.Reset()
	if string(c.Peek("set-cookie")) != "c=3" || c.Status() != 200 || h.Status() != 0 || h.Peek("x") != nil {
		t.Fatal("CopyFrom, Reset")
	}
}

// A block Parse takes is read by fasthttp's parser the same way: status,
// framing, and the lines (fasthttp normalises and reorders some).
func FuzzParseAgreesWithFasthttp(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=b\r\n\r\n",
		"HTTP/1.1 404 Not Found\r\nConnection: close\r\nX-A: \xc3\xa9\r\n\r\n",
		"HTTP/1.1 200 OK\r\nConnection: Upgrade, close\r\n\r\n",
		"HTTP/1.1 503\r\nX:\t1 \r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var h Head
		n, fr, ok := h.Parse(raw)
		if !ok {
			return
		}
		var fh fasthttp.ResponseHeader
		fh.DisableNormalizing()
		fh.SetNoDefaultContentType(true)
		if err := fh.Read(bufio.NewReader(bytes.NewReader(raw[:n]))); err != nil {
			t.Fatalf("%q taken, fasthttp refuses it: %v", raw, err)
		}
		if fh.StatusCode() != h.Status() || fh.ContentLength() != fr.ContentLength || fh.ConnectionClose() != fr.Close {
			t.Fatalf("%q: fasthttp %d %d %v, Parse %d %+v", raw, fh.StatusCode(), fh.ContentLength(), fh.ConnectionClose(), h.Status(), fr)
		}
		if !bytes.Equal(fh.StatusMessage(), h.Reason()) {
			t.Fatalf("%q: reason %q, fasthttp's %q", raw, h.Reason(), fh.StatusMessage())
		}
		for k, v := range fh.All() {
			if equalFold(k, "connection") || equalFold(k, "transfer-encoding") || equalFold(k, "content-length") {
				continue // fasthttp's own rendering of the framing
			}
			found := false
			for hk, hv := range h.All() {
				if equalFold(hk, string(k)) && bytes.Equal(hv, v) {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("%q: fasthttp has %s: %q, Parse does not", raw, k, v)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	raw := crlf("HTTP/1.1 200 OK\nServer: nginx/1.22.1\nDate: Thu, 03 Dec 2026 18:00:00 GMT\n" +
		"Content-Type: text/html\nContent-Length: 43\nConnection: keep-alive\n" +
		"Set-Cookie: PHPSESSID=abcdef0123456789; path=/\n\n")
	var h Head
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := h.Parse(raw); !ok {
			b.Fatal("refused")
		}
	}
}

// Parse reads the block at the start of b, not the body after it, and
// takes no block that has not arrived whole.
func TestParseStopsAtTheEmptyLine(t *testing.T) {
	raw := crlf("HTTP/1.1 200 OK\nContent-Length: 5\n\n")
	var h Head
	n, _, ok := h.Parse(append(append([]byte{}, raw...), "a\r\n\r\nb"...))
	if !ok || n != len(raw) {
		t.Fatalf("block of %d: %d, %v", len(raw), n, ok)
	}
	for i := range len(raw) - 1 {
		if _, _, ok := h.Parse(raw[:i]); ok {
			t.Fatalf("took the first %d bytes of a block of %d", i, len(raw))
		}
	}
}

// A Set-Cookie without '=' in its pair sets no named cookie, as fasthttp
// read it.
func TestCookieName(t *testing.T) {
	for v, want := range map[string]string{
		"a=1; Path=/": "a", " B = 2": "B", "novalue": "", "x; y=1": "", "=v": "",
	} {
		if got := string(cookieName([]byte(v))); got != want {
			t.Errorf("%q: name %q, want %q", v, got, want)
		}
	}
}
