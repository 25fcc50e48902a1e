package vars

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/upstream/resphead"
)

// upstreamHeader reads a response header as the transport does.
func upstreamHeader(tb testing.TB, raw string) *resphead.Head {
	tb.Helper()
	var h resphead.Head
	wire := strings.ReplaceAll(raw, "\n", "\r\n")
	if _, _, ok := h.Parse([]byte(wire)); !ok {
		tb.Fatalf("upstream header %q: not in the common form", wire)
	}
	return &h
}

func TestResponseVariables(t *testing.T) {
	ctx := newCtx(t, "GET / HTTP/1.1\nHost: h\n\n")
	ctx.SetStatusCode(404)
	ctx.SetBodyString("hello world")
	ctx.Response.Header.Set("X-Cache", "HIT")
	ctx.Response.Header.Add("Vary", "Accept")
	ctx.Response.Header.Add("vary", "Cookie")
	r := &Request{Ctx: ctx}
	r.StickyCookie = append(r.StickyCookie, "VN"...)
	r.StickyStatus = append(r.StickyStatus, "I"...)
	r.UpstreamHeader = upstreamHeader(t, "HTTP/1.1 200 OK\n"+
		"X-Backend: b1\nSet-Cookie: SID=abc; Path=/\nSet-Cookie: lang=en\nSet-Cookie: Lang2=x\nContent-Length: 0\n\n")

	tests := []struct {
		name, src, want string
	}{
		{"status of the response", "$status", "404"},
		{"body bytes of an in-memory body", "$body_bytes_sent", "11"},
		{"sent header", "$sent_http_x_cache", "HIT"},
		{"sent header lines joined", "$sent_http_vary", "Accept, Cookie"},
		{"missing sent header", "[$sent_http_etag]", "[]"},
		{"upstream header", "$upstream_http_x_backend", "b1"},
		{"upstream header case-insensitive", "$UPSTREAM_HTTP_X_BACKEND", "b1"},
		{"upstream cookie value without attributes", "$upstream_cookie_sid", "abc"},
		{"upstream cookie without attributes", "$upstream_cookie_lang", "en"},
		{"upstream cookie names match whole", "[$upstream_cookie_lan]", "[]"},
		{"sticky outcome", "$sticky_cookie$sticky_status", "VNI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eval(t, tt.src, r); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestResponseCountersPreferRequestFields(t *testing.T) {
	ctx := newCtx(t, "GET / HTTP/1.1\nHost: h\n\n")
	ctx.SetBodyString("hello world")
	headerLen := len(ctx.Response.Header.Header())
	tests := []struct {
		name string
		r    Request
		want string
	}{
		{"computed from Ctx.Response", Request{}, "200 11 " + strconv.Itoa(headerLen+11)},
		{"filled by the server", Request{Status: 502, BodyBytesSent: 1234, BytesSent: 1400}, "502 1234 1400"},
		{"status below 100 is zero-padded", Request{Status: 7}, "007 11 " + strconv.Itoa(headerLen+11)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Ctx = ctx
			if got := eval(t, "$status $body_bytes_sent $bytes_sent", &tt.r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBodyBytesSentOfHeadIsZero(t *testing.T) {
	ctx := newCtx(t, "HEAD / HTTP/1.1\nHost: h\n\n")
	ctx.SetBodyString("not sent")
	if got := eval(t, "$body_bytes_sent", &Request{Ctx: ctx}); got != "0" {
		t.Errorf("$body_bytes_sent of HEAD = %q, want 0", got)
	}
}

func TestUpstreamVariablesWithoutUpstream(t *testing.T) {
	r := &Request{Ctx: newCtx(t, "GET / HTTP/1.1\nHost: h\n\n")}
	got := eval(t, "[$upstream_addr][$upstream_status][$upstream_response_time][$upstream_http_x][$upstream_cookie_x]", r)
	if got != "[][][][][]" {
		t.Errorf("got %q, want every upstream variable empty", got)
	}
}

func TestUpstreamTriesAreJoined(t *testing.T) {
	r := &Request{}
	failed := r.AddUpstreamTry("10.0.0.1:80") // connect refused: only its elapsed time
	failed.Status = 502
	failed.ResponseTime = time.Millisecond
	ok := r.AddUpstreamTry("10.0.0.2:80")
	ok.Status = 200
	ok.ConnectTime = 1500 * time.Microsecond
	ok.HeaderTime = 250 * time.Millisecond
	ok.ResponseTime = 2*time.Second + 7*time.Millisecond
	ok.ResponseLength, ok.BytesReceived, ok.BytesSent = 1000, 1120, 85
	r.AddUpstreamTry("10.0.0.3:80") // dialled, no answer yet

	tests := []struct {
		src, want string
	}{
		{"$upstream_addr", "10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80"},
		{"$upstream_status", "502, 200, -"},
		{"$upstream_connect_time", "-, 0.001, -"},
		{"$upstream_header_time", "-, 0.250, -"},
		{"$upstream_response_time", "0.001, 2.007, -"},
		{"$upstream_response_length", "0, 1000, 0"},
		{"$upstream_bytes_received", "0, 1120, 0"},
		{"$upstream_bytes_sent", "0, 85, 0"},
	}
	for _, tt := range tests {
		if got := eval(t, tt.src, r); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// Two proxyings of one request (error_page redirecting a failed one to a
// location that proxies again) are printed as nginx prints them: each
// group's tries joined with ", ", the groups with " : ".
func TestUpstreamGroupsAreSeparated(t *testing.T) {
	r := &Request{}
	r.StartUpstream() // the first proxying: nothing before it
	for _, addr := range []string{"127.0.0.1:1", "127.0.0.1:2"} {
		failed := r.AddUpstreamTry(addr)
		failed.Status, failed.ResponseTime = 502, time.Millisecond
	}
	r.StartUpstream() // the error_page's proxying
	ok := r.AddUpstreamTry("127.0.0.1:3")
	ok.Status, ok.ConnectTime, ok.HeaderTime, ok.ResponseTime = 200, 0, 2*time.Millisecond, 3*time.Millisecond
	ok.ResponseLength, ok.BytesReceived, ok.BytesSent = 2, 40, 30

	tests := []struct {
		src, want string
	}{
		{"$upstream_addr", "127.0.0.1:1, 127.0.0.1:2 : 127.0.0.1:3"},
		{"$upstream_status", "502, 502 : 200"},
		{"$upstream_connect_time", "-, - : 0.000"},
		{"$upstream_header_time", "-, - : 0.002"},
		{"$upstream_response_time", "0.001, 0.001 : 0.003"},
		{"$upstream_response_length", "0, 0 : 2"},
		{"$upstream_bytes_received", "0, 0 : 40"},
		{"$upstream_bytes_sent", "0, 0 : 30"},
	}
	for _, tt := range tests {
		if got := eval(t, tt.src, r); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
		}
	}

	// A proxying that recorded nothing after the separator leaves the
	// " : " last, as nginx's loop does.
	r.StartUpstream()
	if got := eval(t, "$upstream_addr|$upstream_status", r); got != "127.0.0.1:1, 127.0.0.1:2 : 127.0.0.1:3 : |502, 502 : 200 : " {
		t.Errorf("trailing separator: %q", got)
	}
}
