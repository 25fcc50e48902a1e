package proxy

import (
	"net"
	"strings"
	"testing"
)

// pxClientRequest is a request carrying every kind of header the rules
// treat differently.
const pxClientRequest = "GET /p?x=1 HTTP/1.1\r\n" +
	"Host: client.example\r\n" +
	"X-CaSe-Header: v1\r\n" +
	"Connection: keep-alive, X-Hop\r\n" +
	"X-Hop: secret\r\n" +
	"Keep-Alive: timeout=5\r\n" +
	"TE: trailers\r\n" +
	"Upgrade: h2c\r\n" +
	"Proxy-Authorization: Basic eDp5\r\n" +
	"Proxy-Connection: keep-alive\r\n" +
	"Expect: 100-continue\r\n" +
	"X-Forwarded-For: 10.0.0.1\r\n" +
	"Cookie: a=1\r\n" +
	"user-agent: lower-case-name\r\n" +
	"Cookie: b=2\r\n" +
	"Accept-Encoding: gzip\r\n" +
	"\r\n"

func TestRequestHeaderRules(t *testing.T) {
	be := pxStartBackend(t, nil)
	const upstreamBlock = "upstream ka { server %[1]s; keepalive 4; }\n"
	for _, tc := range []struct {
		name string
		loc  string // the location block's directives
		// want lists the header block the backend must receive, in order.
		want      string
		proto     string
		extraConf string
	}{{
		name:  "nginx defaults: Host $proxy_host, Connection close, HTTP/1.0",
		loc:   "proxy_pass http://%[1]s;",
		proto: "HTTP/1.0",
		want: "Host: %[1]s\r\nConnection: close\r\nX-CaSe-Header: v1\r\nX-Forwarded-For: 10.0.0.1\r\n" +
			"Cookie: a=1\r\nuser-agent: lower-case-name\r\nCookie: b=2\r\nAccept-Encoding: gzip\r\n",
	}, {
		name: "proxy_set_header lines first, in order; empty value removes; named client headers replaced",
		loc: "proxy_pass http://%[1]s; proxy_set_header X-Real-IP $remote_addr; " +
			"proxy_set_header Accept-Encoding \"\"; proxy_set_header x-case-header replaced; " +
			"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
		proto: "HTTP/1.0",
		want: "X-Real-IP: 127.0.0.1\r\nx-case-header: replaced\r\nX-Forwarded-For: 10.0.0.1, 127.0.0.1\r\n" +
			"Host: %[1]s\r\nConnection: close\r\nCookie: a=1\r\nuser-agent: lower-case-name\r\nCookie: b=2\r\n",
	}, {
		name:  "proxy_set_header Host $host and HTTP/1.1 with Connection removed",
		loc:   `proxy_pass http://%[1]s; proxy_http_version 1.1; proxy_set_header Host $host; proxy_set_header Connection "";`,
		proto: "HTTP/1.1",
		want: "Host: client.example\r\nX-CaSe-Header: v1\r\nX-Forwarded-For: 10.0.0.1\r\n" +
			"Cookie: a=1\r\nuser-agent: lower-case-name\r\nCookie: b=2\r\nAccept-Encoding: gzip\r\n",
	}, {
		name:      "[gw] keepalive upstream: HTTP/1.1, no default Connection close",
		extraConf: upstreamBlock,
		loc:       "proxy_pass http://ka;",
		proto:     "HTTP/1.1",
		want: "Host: ka\r\nX-CaSe-Header: v1\r\nX-Forwarded-For: 10.0.0.1\r\n" +
			"Cookie: a=1\r\nuser-agent: lower-case-name\r\nCookie: b=2\r\nAccept-Encoding: gzip\r\n",
	}, {
		name:      "keepalive upstream: an explicit Connection line is sent as set",
		extraConf: upstreamBlock,
		loc:       "proxy_pass http://ka; proxy_set_header Connection close;",
		proto:     "HTTP/1.1",
		want: "Connection: close\r\nHost: ka\r\nX-CaSe-Header: v1\r\nX-Forwarded-For: 10.0.0.1\r\n" +
			"Cookie: a=1\r\nuser-agent: lower-case-name\r\nCookie: b=2\r\nAccept-Encoding: gzip\r\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			src := "http { " + tc.extraConf + " server { location /p { " + tc.loc + " } } }"
			s := pxBuild(t, nil, "/p", src, be.addr)
			g := pxServe(t, s.p)
			head, body := g.raw(t, pxClientRequest)
			if !strings.HasPrefix(head, "HTTP/1.1 200") || body != "ok" {
				t.Fatalf("response %q %q\n%s", head, body, s.log)
			}
			seen := be.last(t)
			if seen.uri != "/p?x=1" || seen.proto != tc.proto {
				t.Errorf("request line %s %s %s, want GET /p?x=1 %s", seen.method, seen.uri, seen.proto, tc.proto)
			}
			want := strings.ReplaceAll(tc.want, "%[1]s", be.addr) + "\r\n"
			if seen.header != want {
				t.Errorf("backend got header\n%s\nwant\n%s", seen.header, want)
			}
		})
	}
}

func TestResponseHeaderRules(t *testing.T) {
	var backendAddr string
	backendAddr = pxRawBackend(t, func(c net.Conn) {
		pxAnswerAll(c, func(string) string {
			return "HTTP/1.1 201 Made It\r\n" +
				"Server: backend/1.0\r\n" +
				"Date: Mon, 01 Jan 2001 00:00:00 GMT\r\n" +
				"X-Pad: avoid browser bug\r\n" +
				"X-Accel-Limit-Rate: 1024\r\n" +
				"X-Late-Hop: named by a later Connection line\r\n" +
				"X-Accel-Buffering: no\r\n" +
				"Connection: X-Resp-Hop\r\n" +
				"Connection: keep-alive, X-Late-Hop\r\n" +
				"X-Resp-Hop: 1\r\n" +
				"Keep-Alive: timeout=5\r\n" +
				"Proxy-Authenticate: Basic\r\n" +
				"Trailer: X-T\r\n" +
				"X-Secret: s\r\n" +
				"X-CamelCase-hEader: kept\r\n" +
				"Set-Cookie: a=1; Path=/\r\n" +
				"Set-Cookie: a=2; Path=/x\r\n" +
				"Location: http://" + backendAddr + "/two/next?q=1\r\n" +
				"Refresh: 5; url=http://" + backendAddr + "/two/r\r\n" +
				"Content-Length: 2\r\n\r\nok"
		})
	})
	s := pxBuild(t, nil, "/one/", `http { server { location /one/ {
		proxy_pass http://%s/two/; proxy_hide_header X-Secret; proxy_pass_header X-Accel-Buffering; } } }`, backendAddr)
	g := pxServe(t, s.p)
	head, body := g.raw(t, "GET /one/x HTTP/1.1\r\nHost: h\r\n\r\n")
	if body != "ok" {
		t.Fatalf("body %q\n%s", body, head)
	}
	for _, want := range []string{
		"HTTP/1.1 201 Made It\r\n",
		"\r\nX-Accel-Buffering: no\r\n",
		"\r\nX-CamelCase-hEader: kept\r\n",
		"\r\nSet-Cookie: a=1; Path=/\r\n",
		"\r\nSet-Cookie: a=2; Path=/x\r\n",
		"\r\nLocation: /one/next?q=1\r\n",
		"\r\nRefresh: 5; url=/one/r\r\n",
		"\r\nContent-Length: 2\r\n",
		"\r\nDate: ",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("response lacks %q:\n%s", want, head)
		}
	}
	for _, hidden := range []string{"backend/1.0", "2001", "X-Pad", "X-Accel-Limit-Rate", "X-Late-Hop", "X-Resp-Hop",
		"Keep-Alive", "Proxy-Authenticate", "Trailer", "X-Secret"} {
		if strings.Contains(head, hidden) {
			t.Errorf("response passes %q:\n%s", hidden, head)
		}
	}
}

func TestDuplicateResponseHeaders(t *testing.T) {
	// nginx keeps the first of a header it holds as a single value and
	// ignores the repeats; list headers and Set-Cookie pass every line.
	addr := pxRawBackend(t, func(c net.Conn) {
		pxAnswerAll(c, func(string) string {
			return "HTTP/1.1 200 OK\r\n" +
				"Expires: Thu, 01 Jan 2037 00:00:00 GMT\r\n" +
				"Content-Type: text/plain\r\n" +
				"ETag: \"one\"\r\n" +
				"Last-Modified: Mon, 01 Jan 2001 00:00:00 GMT\r\n" +
				"Location: /first\r\n" +
				"Accept-Ranges: bytes\r\n" +
				"Content-Encoding: gzip\r\n" +
				"Cache-Control: no-cache\r\n" +
				"Vary: Accept\r\n" +
				"Set-Cookie: a=1\r\n" +
				"expires: Fri, 02 Jan 2037 00:00:00 GMT\r\n" +
				"Content-Type: text/html\r\n" +
				"ETag: \"two\"\r\n" +
				"Last-Modified: Tue, 02 Jan 2001 00:00:00 GMT\r\n" +
				"Location: /second\r\n" +
				"Accept-Ranges: none\r\n" +
				"Content-Encoding: br\r\n" +
				"Cache-Control: private\r\n" +
				"Vary: Cookie\r\n" +
				"Set-Cookie: b=2\r\n" +
				"Content-Length: 2\r\n\r\nok"
		})
	})
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, addr)
	g := pxServe(t, s.p)
	head, body := g.raw(t, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
	if body != "ok" {
		t.Fatalf("body %q\n%s", body, head)
	}
	for _, want := range []string{
		"\r\nExpires: Thu, 01 Jan 2037 00:00:00 GMT\r\n",
		"\r\nContent-Type: text/plain\r\n",
		"\r\nETag: \"one\"\r\n",
		"\r\nLast-Modified: Mon, 01 Jan 2001 00:00:00 GMT\r\n",
		"\r\nLocation: /first\r\n",
		"\r\nAccept-Ranges: bytes\r\n",
		"\r\nContent-Encoding: gzip\r\n",
		"\r\nCache-Control: no-cache\r\n", "\r\nCache-Control: private\r\n",
		"\r\nVary: Accept\r\n", "\r\nVary: Cookie\r\n",
		"\r\nSet-Cookie: a=1\r\n", "\r\nSet-Cookie: b=2\r\n",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("response lacks %q:\n%s", want, head)
		}
	}
	for _, repeat := range []string{"2037 00:00:00 GMT\r\nexpires", "Fri, 02", "text/html", "\"two\"", "Tue, 02", "/second", "none", ": br"} {
		if strings.Contains(head, repeat) {
			t.Errorf("response passes the repeated %q:\n%s", repeat, head)
		}
	}
}

// A value made of variables cannot break the request head: a decoded CR
// or LF ($uri of /p%0D%0AX-Injected:%20yes) becomes a space, as fasthttp
// writes a header line, whichever way gw writes the head (a request
// without a body, whose head gw writes itself, and one with a body).
func TestRequestHeaderNoLineBreaks(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/p", "http { server { location /p { proxy_pass http://%s; proxy_set_header X-Uri $uri; } } }", be.addr)
	g := pxServe(t, s.p)
	for _, req := range []string{
		"GET /p%0D%0AX-Injected:%20yes HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST /p%0D%0AX-Injected:%20yes HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok",
	} {
		g.raw(t, req)
		seen := be.last(t)
		if !strings.Contains(seen.header, "X-Uri: /p  X-Injected: yes\r\n") || strings.Contains(seen.header, "\r\nX-Injected") {
			t.Errorf("%q: the upstream got\n%s", req, seen.header)
		}
	}
}
