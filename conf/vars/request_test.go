package vars

import (
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestRequestVariables(t *testing.T) {
	ctx := newCtx(t, sample)
	r := &Request{Ctx: ctx, ServerName: "example.org", ProxyHost: "backend:9000", ProxyPort: "9000"}
	const uri = "/a/b%20c/../d?x=1&Name=J%20D&y=&x=2"
	wireLen := len(strings.ReplaceAll(sample, "\n", "\r\n"))
	host, _ := os.Hostname()

	tests := []struct {
		name string
		src  string
		want string
	}{
		{"client address", "$remote_addr", "192.0.2.7"},
		{"client port", "$remote_port", "51234"},
		{"client address in binary", "$binary_remote_addr", "\xc0\x00\x02\x07"},
		{"server address", "$server_addr", "10.1.2.3"},
		{"server port", "$server_port", "8080"},
		{"host is lowercased without port", "$host", "example.com"},
		{"http_host is the header as sent", "$http_host", "Example.COM:8080"},
		{"header names match case-insensitively", "$HTTP_USER_AGENT", "curl/8.5"},
		{"repeated header lines are joined in order", "$http_x_forwarded_for", "203.0.113.1, 203.0.113.2"},
		{"missing header is empty", "[$http_referer]", "[]"},
		{"empty header is empty", "[$http_x_empty]", "[]"},
		{"cookie lines are joined with semicolons", "$http_cookie", "a=1; session=abc; route=r2, other=x"},
		{"cookie by name", "$cookie_session", "abc"},
		{"cookie names match case-insensitively", "$cookie_SESSION", "abc"},
		{"cookie from the second line", "$cookie_other", "x"},
		{"cookie value runs to the next semicolon, as in nginx", "$cookie_route", "r2, other=x"},
		{"cookie name must match whole", "[$cookie_sess]", "[]"},
		{"first of repeated arguments", "$arg_x", "1"},
		{"argument names match case-insensitively, value stays encoded", "$arg_name", "J%20D"},
		{"empty argument", "[$arg_y]", "[]"},
		{"missing argument", "[$arg_z]", "[]"},
		{"args are the raw query string", "$args", "x=1&Name=J%20D&y=&x=2"},
		{"query_string is args", "$query_string", "x=1&Name=J%20D&y=&x=2"},
		{"is_args with arguments", "$is_args", "?"},
		{"uri is decoded and normalised", "$uri", "/a/d"},
		{"document_uri is uri", "$document_uri", "/a/d"},
		{"request_uri is as received", "$request_uri", uri},
		{"request line", "$request", "POST " + uri + " HTTP/1.1"},
		{"method", "$request_method", "POST"},
		{"protocol", "$server_protocol", "HTTP/1.1"},
		{"content type", "$content_type", "text/plain"},
		{"content length", "$content_length", "5"},
		{"request length counts line, headers and body", "$request_length", strconv.Itoa(wireLen)},
		{"forwarded-for chain gets the client appended", "$proxy_add_x_forwarded_for", "203.0.113.1, 203.0.113.2, 192.0.2.7"},
		{"scheme of a plain connection", "$scheme", "http"},
		{"https is empty on a plain connection", "[$https]", "[]"},
		{"server name", "$server_name", "example.org"},
		{"proxy host", "$proxy_host", "backend:9000"},
		{"proxy port", "$proxy_port", "9000"},
		{"remote user is empty without auth", "[$remote_user]", "[]"},
		{"connection id", "$connection", strconv.FormatUint(ctx.ConnID(), 10)},
		{"requests on the connection", "$connection_requests", strconv.FormatUint(ctx.ConnRequestNum(), 10)},
		{"pid", "$pid", strconv.Itoa(os.Getpid())},
		{"version", "$nginx_version", Version},
		{"hostname is lowercased", "$hostname", strings.ToLower(host)},
		{"literal text and variables", `${remote_addr}:$remote_port "$request_method"`, `192.0.2.7:51234 "POST"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eval(t, tt.src, r); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestHost(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"absolute-form request line wins over Host",
			"GET http://Other.Example:81/p HTTP/1.1\nHost: example.com\n\n", "other.example"},
		{"IPv6 literal keeps its brackets", "GET / HTTP/1.1\nHost: [2001:DB8::1]:8080\n\n", "[2001:db8::1]"},
		{"trailing dot is dropped", "GET / HTTP/1.1\nHost: example.com.\n\n", "example.com"},
		{"no Host falls back to the server name", "GET / HTTP/1.0\n\n", "fallback.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Request{Ctx: newCtx(t, tt.raw), ServerName: "fallback.example"}
			if got := eval(t, "$host", r); got != tt.want {
				t.Errorf("$host = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRequestURIOfAbsoluteForm(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"path and arguments kept", "GET http://h.example/p/q?a=1 HTTP/1.1\nHost: h.example\n\n", "/p/q?a=1"},
		{"no path reads as slash", "GET http://h.example HTTP/1.1\nHost: h.example\n\n", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Request{Ctx: newCtx(t, tt.raw)}
			if got := eval(t, "$request_uri", r); got != tt.want {
				t.Errorf("$request_uri = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeaderNamesWithUnderscoresAreIgnored(t *testing.T) {
	r := &Request{Ctx: newCtx(t, "GET / HTTP/1.1\nHost: h\nX_Real_IP: 6.6.6.6\nX-Real-IP: 192.0.2.1\n\n")}
	if got := eval(t, "$http_x_real_ip", r); got != "192.0.2.1" {
		t.Errorf("$http_x_real_ip = %q, want only the X-Real-IP line", got)
	}
}

func TestArgsAbsent(t *testing.T) {
	r := &Request{Ctx: newCtx(t, "GET /p HTTP/1.1\nHost: h\n\n")}
	if got := eval(t, "[$args][$is_args][$arg_a]", r); got != "[][][]" {
		t.Errorf("without a query string got %q, want all empty", got)
	}
}

func TestSchemeAndHTTPS(t *testing.T) {
	tlsConn := &fakeTLSConn{fakeConn{local: serverAddr, remote: clientAddr}}
	plain := &fakeConn{local: serverAddr, remote: clientAddr}
	tests := []struct {
		name   string
		conn   net.Conn
		scheme string
		want   string
	}{
		{"plain connection", plain, "", "http|"},
		{"TLS connection", tlsConn, "", "https|on"},
		{"Request.Scheme overrides the connection", plain, "https", "https|on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Request{Ctx: newCtxOn(t, "GET / HTTP/1.1\nHost: h\n\n", tt.conn), Scheme: tt.scheme}
			if got := eval(t, "$scheme|$https", r); got != tt.want {
				t.Errorf("$scheme|$https = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddresses(t *testing.T) {
	tests := []struct {
		name   string
		remote net.Addr
		want   string
	}{
		{"IPv6 without brackets", &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 443}, "2001:db8::1|443"},
		{"IPv4-mapped IPv6 reads as IPv4", &net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.9"), Port: 1}, "192.0.2.9|1"},
		{"Unix socket as nginx writes it", &net.UnixAddr{Name: "/run/gw.sock", Net: "unix"}, "unix:|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newCtxOn(t, "GET / HTTP/1.1\nHost: h\n\n", &fakeConn{local: serverAddr, remote: tt.remote})
			if got := eval(t, "$remote_addr|$remote_port", &Request{Ctx: ctx}); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBinaryRemoteAddrOfIPv6IsSixteenBytes(t *testing.T) {
	remote := &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 443}
	ctx := newCtxOn(t, "GET / HTTP/1.1\nHost: h\n\n", &fakeConn{local: serverAddr, remote: remote})
	got := eval(t, "$binary_remote_addr", &Request{Ctx: ctx})
	if got != string(remote.IP.To16()) {
		t.Errorf("$binary_remote_addr = %x, want %x", got, []byte(remote.IP.To16()))
	}
}

func TestProxyAddXFFWithoutIncomingHeader(t *testing.T) {
	r := &Request{Ctx: newCtx(t, "GET / HTTP/1.1\nHost: h\n\n")}
	if got := eval(t, "$proxy_add_x_forwarded_for", r); got != "192.0.2.7" {
		t.Errorf("got %q, want the client address alone", got)
	}
}

// Requests built in code have no raw header block; variables then read
// fasthttp's parsed header. This is also the ctx.Init path.
func TestRequestBuiltInCode(t *testing.T) {
	var req fasthttp.Request
	req.SetRequestURI("/x?k=v")
	req.Header.SetHost("code.example")
	req.Header.Set("X-Trace", "t1")
	req.Header.Add("X-Trace", "t2")
	req.Header.Set("Cookie", "sid=42; lang=en")
	ctx := new(fasthttp.RequestCtx)
	ctx.Init(&req, clientAddr, nil)
	r := &Request{Ctx: ctx}

	tests := []struct {
		src, want string
	}{
		{"$http_x_trace", "t1, t2"},
		{"$http_host", "code.example"},
		{"$cookie_lang", "en"},
		{"$arg_k", "v"},
		{"$host", "code.example"},
		{"$remote_addr", "192.0.2.7"},
		{"$server_addr", "0.0.0.0"},
	}
	for _, tt := range tests {
		if got := eval(t, tt.src, r); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestRequestID(t *testing.T) {
	r := &Request{Ctx: newCtx(t, sample)}
	first := eval(t, "$request_id", r)
	if ok, _ := regexp.MatchString(`^[0-9a-f]{32}$`, first); !ok {
		t.Fatalf("$request_id = %q, want 32 lowercase hex digits", first)
	}
	if again := eval(t, "$request_id", r); again != first {
		t.Errorf("$request_id changed within one request: %q then %q", first, again)
	}
	r.Reset()
	if next := eval(t, "$request_id", r); next == first {
		t.Errorf("$request_id %q was reused after Reset", next)
	}
}

func TestCaptures(t *testing.T) {
	re := regexp.MustCompile(`^/(\w+)/(\w+)\.(png|jpg)$`)
	subject := []byte("/img/cat.png")
	r := &Request{Captures: re.FindSubmatchIndex(subject), CaptureSubject: subject}
	tests := []struct {
		name, src, want string
	}{
		{"first group", "$1", "img"},
		{"groups with text", "/thumb/$2-small.$3", "/thumb/cat-small.png"},
		{"group beyond the match is empty", "[$4][$9]", "[][]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eval(t, tt.src, r); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
	if got := eval(t, "[$1]", &Request{}); got != "[]" {
		t.Errorf("$1 without captures = %q, want empty", got)
	}
}

func TestWithoutContext(t *testing.T) {
	tmpl := MustParse("a $remote_addr $http_x $server_name $upstream_addr b")
	if got := string(tmpl.Append(nil, nil)); got != "a     b" {
		t.Errorf("nil Request: got %q, want every variable here empty", got)
	}
	if got := eval(t, "$pid", nil); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("nil Request: $pid = %q, want it evaluated", got)
	}
	r := &Request{ServerName: "s.example"}
	r.AddUpstreamTry("10.0.0.1:80")
	if got := string(tmpl.Append(nil, r)); got != "a   s.example 10.0.0.1:80 b" {
		t.Errorf("nil Ctx: got %q, want connection variables empty and the rest evaluated", got)
	}
}

func TestResetKeepsBuffersAndClearsState(t *testing.T) {
	r := &Request{Ctx: newCtx(t, sample), ServerName: "s", Status: 500, BodyBytesSent: 9}
	r.StickyCookie = append(r.StickyCookie, "VN"...)
	r.AddUpstreamTry("a:1")
	r.Reset()
	if r.Ctx != nil || r.ServerName != "" || r.Status != 0 || r.BodyBytesSent != 0 ||
		len(r.Upstream) != 0 || len(r.StickyCookie) != 0 {
		t.Errorf("Reset left state behind: %+v", r)
	}
	if cap(r.Upstream) == 0 || cap(r.StickyCookie) == 0 {
		t.Error("Reset dropped the buffers it should keep for reuse")
	}
}
