package proxy

import (
	"bufio"
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream/persist"
)

// TestCopyClientManyLines: a request with more header lines than
// clientLines holds is copied whole and in order too, and a Connection
// line late in the block still removes the header it names.
func TestCopyClientManyLines(t *testing.T) {
	for _, n := range []int{3, 47, 48, 49, 80} {
		var raw strings.Builder
		raw.WriteString("GET / HTTP/1.1\r\nHost: h\r\nX-Drop: secret\r\n")
		for i := range n {
			fmt.Fprintf(&raw, "X-Line-%d: v%d\r\n", i, i)
		}
		raw.WriteString("Connection: x-drop\r\n\r\n")
		var req fasthttp.Request
		req.Header.DisableNormalizing()
		if err := req.Read(bufio.NewReader(strings.NewReader(raw.String()))); err != nil {
			t.Fatal(err)
		}
		h := newRequestHeaders(&conf.Settings{}, true)
		var out fasthttp.RequestHeader
		out.DisableSpecialHeader()
		out.DisableNormalizing()
		var tok connTokens
		var cl clientLines
		h.write(&out, &req.Header, &vars.Request{ProxyHost: "up"}, &tok, &cl, nil, -1, persist.KeepCookies)
		out.SetMethod("GET")
		out.SetRequestURI("/")
		wire := strings.TrimSuffix(string(out.Header()), "\r\n\r\n")
		got := strings.Split(wire, "\r\n")[1:] // the lines after the request line
		want := []string{"Host: up"}
		for i := range n {
			want = append(want, fmt.Sprintf("X-Line-%d: v%d", i, i))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%d lines: sent\n%s\nwant\n%s", n, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
