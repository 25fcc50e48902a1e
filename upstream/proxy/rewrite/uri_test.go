package rewrite

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
)

// pxParseRequest reads a request line as a server does, so that the raw
// request target is what the client sent.
func pxParseRequest(t *testing.T, target string) *fasthttp.Request {
	t.Helper()
	var req fasthttp.Request
	raw := "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"
	if err := req.Header.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatalf("%q: %v", target, err)
	}
	return &req
}

func TestURIWithoutURIPartIsPassedByteForByte(t *testing.T) {
	rule := NewURI(&conf.Location{Pattern: "/one/"}, &conf.ProxyPass{})
	for name, tc := range map[string]struct{ in, want string }{
		"plain":                   {"/one/x", "/one/x"},
		"double slash kept":       {"/one//x", "/one//x"},
		"dot segments kept":       {"/one/a/../b/./c", "/one/a/../b/./c"},
		"escaped slash kept":      {"/one/%2F%2f", "/one/%2F%2f"},
		"escapes not decoded":     {"/one/%41%7e", "/one/%41%7e"},
		"raw utf-8 kept":          {"/one/é", "/one/é"},
		"query bytes kept":        {"/one/x?b=2&a=%20&a=+", "/one/x?b=2&a=%20&a=+"},
		"empty query kept":        {"/one/x?", "/one/x?"},
		"absolute form target":    {"http://example.com/one/x?q", "/one/x?q"},
		"absolute form no path":   {"http://example.com", "/"},
		"absolute form args only": {"http://example.com?a=1", "/?a=1"},
	} {
		t.Run(name, func(t *testing.T) {
			got := string(rule.Append(nil, pxParseRequest(t, tc.in)))
			if got != tc.want {
				t.Errorf("%q -> %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestURIPartReplacesTheLocationPrefix(t *testing.T) {
	prefix := NewURI(&conf.Location{Pattern: "/one/"}, &conf.ProxyPass{URI: "/two/"})
	exact := NewURI(&conf.Location{Modifier: conf.ModExact, Pattern: "/one"}, &conf.ProxyPass{URI: "/two"})
	root := NewURI(&conf.Location{Pattern: "/"}, &conf.ProxyPass{URI: "/app/"})
	for name, tc := range map[string]struct {
		rule    URI
		in, out string
	}{
		"prefix replaced":                {prefix, "/one/x", "/two/x"},
		"the prefix alone":               {prefix, "/one/", "/two/"},
		"slashes merged":                 {prefix, "/one//x//y", "/two/x/y"},
		"dot segments resolved":          {prefix, "/one/a/../b/./c", "/two/b/c"},
		"escaped slash decoded":          {prefix, "/one/a%2Fb", "/two/a/b"},
		"escaped space re-escaped":       {prefix, "/one/a%20b", "/two/a%20b"},
		"escaped ? and # re-escaped":     {prefix, "/one/%3F%23", "/two/%3F%23"},
		"escaped percent re-escaped":     {prefix, "/one/100%25", "/two/100%25"},
		"escaped utf-8 upper-case hex":   {prefix, "/one/%c3%a9", "/two/%C3%A9"},
		"unreserved escape decoded":      {prefix, "/one/%41", "/two/A"},
		"raw utf-8 unquoted stays raw":   {prefix, "/one/é", "/two/é"},
		"arguments appended":             {prefix, "/one/x?a=1&b=%20", "/two/x?a=1&b=%20"},
		"empty query dropped like nginx": {prefix, "/one/x?", "/two/x"},
		"exact location":                 {exact, "/one", "/two"},
		"exact location with arguments":  {exact, "/one?x=1", "/two?x=1"},
		"root location":                  {root, "/x/y", "/app/x/y"},
	} {
		t.Run(name, func(t *testing.T) {
			got := string(tc.rule.Append(nil, pxParseRequest(t, tc.in)))
			if got != tc.out {
				t.Errorf("%q -> %q, want %q", tc.in, got, tc.out)
			}
		})
	}
}

func TestEscapeURIIsNginxURIMode(t *testing.T) {
	for in, want := range map[string]string{
		"/a b":         "/a%20b",
		"/a#b?c%d":     "/a%23b%3Fc%25d",
		"/\x01\x7f":    "/%01%7F",
		"/é":           "/%C3%A9",
		"/a/b;c=d&e+f": "/a/b;c=d&e+f",
		"/~user'(x)*!": "/~user'(x)*!",
	} {
		if got := string(AppendEscapedURI(nil, []byte(in))); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}
