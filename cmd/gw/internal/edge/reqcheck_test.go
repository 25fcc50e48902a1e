package edge

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestCheckRequest(t *testing.T) {
	cases := []struct {
		name, head string
		want       int
	}{
		{"plain", "GET /a/b?x=%zz HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\n", rejectNone},
		{"HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", rejectNone},
		{"tab and obs-text in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\xff\r\n\r\n", rejectNone},
		{"chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", rejectNone},
		{"CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", rejectBothFramings},
		{"two TE lines", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", rejectDuplicateTE},
		{"two Authorization lines", "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YTpi\r\nauthorization: Basic YzpkZA==\r\n\r\n", rejectDuplicateLine},
		{"one Authorization line", "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YTpi\r\nCache-Control: x\r\n\r\n", rejectNone},
		{"TE gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", rejectUnknownTE},
		{"name with space", "GET / HTTP/1.1\r\nHost: a\r\nX A: 1\r\n\r\n", rejectHeaderLine},
		{"space before colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", rejectHeaderLine},
		{"DEL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", rejectHeaderLine},
		{"folded", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", rejectFoldedLine},
		{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", rejectVersion},
		{"HTTP/1.2 is served as HTTP/1.1", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", rejectNone},
		{"HTTP/0.1", "GET / HTTP/0.1\r\nHost: a\r\n\r\n", rejectRequest},
		{"lower-case method", "get / HTTP/1.1\r\nHost: a\r\n\r\n", rejectMethod},
		{"odd method", "FOO_BAR-1 / HTTP/1.1\r\nHost: a\r\n\r\n", rejectMethod},
		{"made-up method", "FOO_BAR / HTTP/1.1\r\nHost: a\r\n\r\n", rejectNone},
		{"asterisk", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", rejectRequest},
		{"authority form", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", rejectRequest},
		{"absolute form", "GET http://b/x HTTP/1.1\r\nHost: a\r\n\r\n", rejectNone},
		{"host with two dots", "GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", rejectHost},
		{"host starting with two dots", "GET / HTTP/1.0\r\nHost: ..x\r\n\r\n", rejectHost},
		{"empty host", "GET / HTTP/1.0\r\nHost: \r\n\r\n", rejectHost},
		{"host of one dot", "GET / HTTP/1.0\r\nHost: .\r\n\r\n", rejectHost},
		{"host of a port", "GET / HTTP/1.0\r\nHost: :80\r\n\r\n", rejectHost},
		{"host with a slash", "GET / HTTP/1.0\r\nHost: example.com/:552\r\n\r\n", rejectHost},
		{"ipv6 host with two dots", "GET / HTTP/1.0\r\nHost: [abcd::ef98:0:7654:321]..:98\r\n\r\n", rejectHost},
		{"host with a trailing dot", "GET / HTTP/1.0\r\nHost: a.b.:88\r\n\r\n", rejectNone},
		{"ipv6 host", "GET / HTTP/1.0\r\nHost: [::1]:80\r\n\r\n", rejectNone},
		{"absolute form, empty host", "GET http:/// HTTP/1.0\r\nHost: localhost\r\n\r\n", rejectHost},
		{"absolute form, two dots", "GET http://com.exa-m.45..:/ HTTP/1.0\r\nHost: localhost\r\n\r\n", rejectHost},
		{"absolute form, host with a port", "GET http://a.b:10/ HTTP/1.0\r\nHost: localhost\r\n\r\n", rejectNone},
		{"bad escape", "GET /a%g0 HTTP/1.1\r\nHost: a\r\n\r\n", rejectURI},
		{"truncated escape", "GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n", rejectURI},
		{"encoded NUL", "GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n", rejectURI},
		{"above the root", "GET /a/../../b HTTP/1.1\r\nHost: a\r\n\r\n", rejectURI},
		{"encoded dots above the root", "GET /%2e%2E/b HTTP/1.1\r\nHost: a\r\n\r\n", rejectURI},
		{"encoded slash above the root", "GET /..%2fb HTTP/1.1\r\nHost: a\r\n\r\n", rejectURI},
		{"dots within the root", "GET /a/./b/../c/.. HTTP/1.1\r\nHost: a\r\n\r\n", rejectNone},
		{"three dots is a name", "GET /.../b HTTP/1.1\r\nHost: a\r\n\r\n", rejectNone},
		{"dots in the query", "GET /?p=/../../x HTTP/1.1\r\nHost: a\r\n\r\n", rejectNone},
	}
	for _, c := range cases {
		var h fasthttp.RequestHeader
		h.DisableNormalizing()
		if err := h.Read(bufio.NewReader(strings.NewReader(c.head))); err != nil {
			// fasthttp refuses it itself: the handler's classification covers it.
			t.Logf("%s: fasthttp: %v", c.name, err)
			continue
		}
		if got := checkRequest(&h); got != c.want {
			t.Errorf("%s: checkRequest = %d (%s), want %d (%s)", c.name, got, rejections[got].msg, c.want, rejections[c.want].msg)
		}
		if c.want == rejectNone && strings.Contains(c.head, " HTTP/1.2") && (!h.IsHTTP11() || h.ConnectionClose()) {
			t.Errorf("%s: protocol %q, close %v", c.name, h.Protocol(), h.ConnectionClose())
		}
	}
}

// TestRejectionSurvivesAsURI: the mark HeaderReceived leaves is read back,
// and no real request target looks like it.
func TestRejectionSurvivesAsURI(t *testing.T) {
	var h fasthttp.RequestHeader
	h.SetRequestURI(rejectedURIPrefix + string(rune('0'+rejectUnknownTE)))
	r, ok := rejectionOf(&h)
	if !ok || r.status != fasthttp.StatusNotImplemented {
		t.Fatalf("rejectionOf = %+v, %v", r, ok)
	}
	h.SetRequestURI("/gw-rejected:1")
	if _, ok := rejectionOf(&h); ok {
		t.Fatal("an ordinary URI read as a rejection")
	}
}

func BenchmarkCheckRequest(b *testing.B) {
	var h fasthttp.RequestHeader
	h.DisableNormalizing()
	head := "GET /shop/cart/items?id=12345 HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
		"Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.9\r\nCookie: route=f29316d06d7f5c505bf92924ef4c7ba4; PHPSESSID=abc\r\n\r\n"
	if err := h.Read(bufio.NewReader(strings.NewReader(head))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if checkRequest(&h) != rejectNone {
			b.Fatal("refused")
		}
	}
}

// TestFasthttpChecks: checkHeaderLines leaves the characters of names and
// values to fasthttp's parser. If a fasthttp upgrade stopped refusing
// these, gw would forward them: this test says so first.
func TestFasthttpChecks(t *testing.T) {
	for _, line := range []string{
		"X-A: a\x00b", "X-A: a\rb", "X-A: a\x01b", "X-A: a\x1fb", "X-A: a\x7fb",
		"X\x01A: 1", "X@A: 1", "X(A: 1", "X\x7fA: 1", "X\xffA: 1", "X\tA: 1", ": 1",
	} {
		var h fasthttp.RequestHeader
		h.DisableNormalizing()
		head := "GET / HTTP/1.1\r\nHost: a\r\n" + line + "\r\n\r\n"
		if err := h.Read(bufio.NewReader(strings.NewReader(head))); err == nil && checkRequest(&h) == rejectNone {
			t.Errorf("%q is accepted by fasthttp and by checkRequest", line)
		}
	}
	for _, line := range []string{"X-A: a\tb", "X-A: a\xffb", "X-A: a b", "X-A:", "X_A: 1"} {
		var h fasthttp.RequestHeader
		h.DisableNormalizing()
		head := "GET / HTTP/1.1\r\nHost: a\r\n" + line + "\r\n\r\n"
		if err := h.Read(bufio.NewReader(strings.NewReader(head))); err != nil || checkRequest(&h) != rejectNone {
			t.Errorf("%q is refused: %v", line, err)
		}
	}
}

func TestHasDotSegment(t *testing.T) {
	for path, want := range map[string]bool{
		"/": false, "/a.b/c.d": false, "/.": true, "/a/./b": true, "/a/..": true,
		"/a.b/.c": true, "a.": false, "/a..b": false, "/x.y/z/.": true,
	} {
		if got := hasDotSegment([]byte(path)); got != want {
			t.Errorf("%q: %v, want %v", path, got, want)
		}
	}
}
