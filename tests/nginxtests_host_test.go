package tests

import (
	"fmt"
	"testing"
)

// ngxHostConfig: %[1]s answers $host (nginx-tests http_host.t), %[2]s
// holds the server blocks of http_server_name.t, each answering with its
// $server_name.
const ngxHostConfig = `
events {}
http {
    server {
        listen %[1]s;
        server_name localhost;
        location / { return 200 $host; }
    }

    server {
        listen %[2]s;
        server_name localhost;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name "";
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name www.example.com;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name ~^EXAMPLE\.COM$;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name ~^(?P<name>.+)\Q.example.com\E$;
        location / { add_header X-Match $name; return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name "~^(?P<name>www\p{N}+)\.example\.com$";
        location / { add_header X-Match $name; return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name many.example.com many2.example.com;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name many3.example.com;
        server_name many4.example.com;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name *.wc.example.com;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name *.pref.wc.example.com;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name wc2.example.*;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name wc2.example.com.*;
        location / { return 200 "$server_name"; }
    }
    server {
        listen %[2]s;
        server_name .dot.example.com;
        location / { return 200 "$server_name"; }
    }
}
`

// hostHeader is http_host.t's request with a Host header.
func hostHeader(host string) string {
	return "GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n"
}

// absoluteURI is http_host.t's request naming the host in the request line,
// which wins over the Host header.
func absoluteURI(host string) string {
	return "GET http://" + host + "/ HTTP/1.0\r\nHost: localhost\r\n\r\n"
}

// body is a case's expected body, whole.
func body(s string) []string { return []string{"=" + s} }

// TestNginxHostParsing restates nginx-tests http_host.t: how $host is
// taken from the Host header or an absolute request line (port and ending
// dot dropped, lower-cased) and which hosts are refused with 400.
//
// Not here: "IPvFuture all symbols" (both forms) and "double port hack"
// ("123.40.56.78:9000:80"), which nginx answers 200 and gw 400, because
// fasthttp's own host parser refuses them before gw's check runs.
func TestNginxHostParsing(t *testing.T) {
	a, b := addr(freePort(t)), addr(freePort(t))
	startGW(t, fmt.Sprintf(ngxHostConfig, a, b), a, b)

	runNgxCases(t, a, []ngxCase{
		{source: "http_host.t: domain w/o port (host header)", req: hostHeader("www.abcd-ef.g02.xyz"), status: 200, body: body("www.abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/port (host header)", req: hostHeader("abcd-ef.g02.xyz:8080"), status: 200, body: body("abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/o port (absolute request)", req: absoluteURI("abcd-ef.g02.xyz"), status: 200, body: body("abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/port (absolute request)", req: absoluteURI("www.abcd-ef.g02.xyz:10"), status: 200, body: body("www.abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/ ending dot w/o port (host header)", req: hostHeader("www.abcd-ef.g02.xyz."), status: 200, body: body("www.abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/ ending dot w/port (host header)", req: hostHeader("abcd-ef.g02.xyz.:88"), status: 200, body: body("abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/ ending dot w/o port (absolute request)", req: absoluteURI("www.abcd-ef.g02.xyz."), status: 200, body: body("www.abcd-ef.g02.xyz")},
		{source: "http_host.t: domain w/ ending dot w/port (absolute request)", req: absoluteURI("abcd-ef.g02.xyz.:2"), status: 200, body: body("abcd-ef.g02.xyz")},
		{source: "http_host.t: mixed case domain w/o port (absolute request)", req: absoluteURI("AbC-d93.0.34ZhGt-s.nk.Ru"), status: 200, body: body("abc-d93.0.34zhgt-s.nk.ru")},
		{source: "http_host.t: mixed case domain w/port (host header)", req: hostHeader("AbC-d93.0.34ZhGt-s.nk.Ru:88"), status: 200, body: body("abc-d93.0.34zhgt-s.nk.ru")},
		{source: "http_host.t: ipv4 w/o port (host header)", req: hostHeader("123.40.56.78"), status: 200, body: body("123.40.56.78")},
		{source: "http_host.t: ipv4 w/port (host header)", req: hostHeader("123.49.0.78:987"), status: 200, body: body("123.49.0.78")},
		{source: "http_host.t: ipv4 w/o port (absolute request)", req: absoluteURI("123.49.0.78"), status: 200, body: body("123.49.0.78")},
		{source: "http_host.t: ipv4 w/port (absolute request)", req: absoluteURI("123.40.56.78:123"), status: 200, body: body("123.40.56.78")},
		{source: "http_host.t: ipv6 literal w/o port (host header)", req: hostHeader("[abcd::ef98:0:7654:321]"), status: 200, body: body("[abcd::ef98:0:7654:321]")},
		{source: "http_host.t: ipv6 literal w/port (host header)", req: hostHeader("[abcd::ef98:0:7654:321]:80"), status: 200, body: body("[abcd::ef98:0:7654:321]")},
		{source: "http_host.t: ipv6 literal w/o port (absolute request)", req: absoluteURI("[abcd::ef98:0:7654:321]"), status: 200, body: body("[abcd::ef98:0:7654:321]")},
		{source: "http_host.t: ipv6 literal w/port (absolute request)", req: absoluteURI("[abcd::ef98:0:7654:321]:5"), status: 200, body: body("[abcd::ef98:0:7654:321]")},
		{source: "http_host.t: ipv4-mapped ipv6 w/o port (host header)", req: hostHeader("[::ffff:12.30.67.89]"), status: 200, body: body("[::ffff:12.30.67.89]")},
		{source: "http_host.t: ipv4-mapped ipv6 w/port (host header)", req: hostHeader("[::123.45.67.89]:4321"), status: 200, body: body("[::123.45.67.89]")},
		{source: "http_host.t: ipv4-mapped ipv6 w/o port (absolute request)", req: absoluteURI("[::123.45.67.89]"), status: 200, body: body("[::123.45.67.89]")},
		{source: "http_host.t: ipv4-mapped ipv6 w/port (absolute request)", req: absoluteURI("[::ffff:12.30.67.89]:4321"), status: 200, body: body("[::ffff:12.30.67.89]")},
		{source: "http_host.t: domain w/ path separators (host header)", req: hostHeader(`example.com/\:552`), status: 400},
		{source: "http_host.t: domain w/ path separators (absolute request)", req: absoluteURI(`\e/xample.com`), status: 400},
		{source: "http_host.t: domain w/ double dot (host header)", req: hostHeader("..examp-LE.com"), status: 400},
		{source: "http_host.t: domain w/ double dot (absolute request)", req: absoluteURI("com.exa-m.45..:"), status: 400},
		{source: "http_host.t: ipv6 literal w/ path separators (host header)", req: hostHeader(`[abcd::e\f98:0/:7654:321]`), status: 400},
		{source: "http_host.t: ipv6 literal w/ path separators (absolute request)", req: absoluteURI(`[abcd\::ef98:0:7654:321/]:12`), status: 400},
		{source: "http_host.t: ipv6 literal w/ double dot (host header)", req: hostHeader("[abcd::ef98:0:7654:321]..:98"), status: 400},
		{source: "http_host.t: ipv6 literal w/ double dot (absolute request)", req: absoluteURI("[ab..cd::ef98:0:7654:321]"), status: 400},
		{source: "http_host.t: host repeat", req: "GET / HTTP/1.0\r\nHost: localhost\r\nHost: again\r\n\r\n", status: 400},
		{source: "http_host.t: control", req: hostHeader("localhost\x02"), status: 400},
	})
}

// noHost is http_server_name.t's request without a Host header.
const noHost = "GET / HTTP/1.0\r\n\r\n"

// TestNginxServerName restates nginx-tests http_server_name.t: which
// server block a Host selects and the $server_name it reports. gw answers
// with $server_name in the body where nginx's test reads an X-Server
// header.
func TestNginxServerName(t *testing.T) {
	a, b := addr(freePort(t)), addr(freePort(t))
	startGW(t, fmt.Sprintf(ngxHostConfig, a, b), a, b)

	runNgxCases(t, b, []ngxCase{
		{source: "http_server_name.t: default", req: hostHeader("xxx"), status: 200, body: body("localhost")},
		{source: "http_server_name.t: empty", req: noHost, status: 200, body: []string{"="}},
		{source: "http_server_name.t: www.example.com", req: hostHeader("www.example.com"), status: 200, body: body("www.example.com")},
		{source: "http_server_name.t: www.example.com uppercase", req: hostHeader("WWW.EXAMPLE.COM"), status: 200, body: body("www.example.com")},
		{source: "http_server_name.t: example.com regex", req: hostHeader("example.com"), status: 200, body: body(`~^EXAMPLE\.COM$`)},
		{source: "http_server_name.t: example.com regex uppercase", req: hostHeader("EXAMPLE.COM"), status: 200, body: body(`~^EXAMPLE\.COM$`)},
		{source: "http_server_name.t: (P<name>.*).example.com named capture", req: hostHeader("blah.example.com"), status: 200, header: map[string]string{"X-Match": "blah"}},
		{source: "http_server_name.t: (P<name>.*).example.com named capture uppercase", req: hostHeader("BLAH.EXAMPLE.COM"), status: 200, header: map[string]string{"X-Match": "blah"}},
		{source: `http_server_name.t: \p{N} in named capture`, req: hostHeader("www01.example.com"), status: 200, header: map[string]string{"X-Match": "www01"}},
		{source: `http_server_name.t: \p{N} in named capture uppercase`, req: hostHeader("WWW01.EXAMPLE.COM"), status: 200, header: map[string]string{"X-Match": "www01"}},
		{source: "http_server_name.t: name row - first", req: hostHeader("many.example.com"), status: 200, body: body("many.example.com")},
		{source: "http_server_name.t: name row - second", req: hostHeader("many2.example.com"), status: 200, body: body("many.example.com")},
		{source: "http_server_name.t: name list - first", req: hostHeader("many3.example.com"), status: 200, body: body("many3.example.com")},
		{source: "http_server_name.t: name list - second", req: hostHeader("many4.example.com"), status: 200, body: body("many3.example.com")},
		{source: "http_server_name.t: wildcard first", req: hostHeader("www.wc.example.com"), status: 200, body: body("*.wc.example.com")},
		{source: "http_server_name.t: wildcard first most specific", req: hostHeader("www.pref.wc.example.com"), status: 200, body: body("*.pref.wc.example.com")},
		{source: "http_server_name.t: wildcard last", req: hostHeader("wc2.example.net"), status: 200, body: body("wc2.example.*")},
		{source: "http_server_name.t: wildcard last most specific", req: hostHeader("wc2.example.com.pref"), status: 200, body: body("wc2.example.com.*")},
		{source: "http_server_name.t: wildcard dot", req: hostHeader("www.dot.example.com"), status: 200, body: body("dot.example.com")},
		{source: "http_server_name.t: wildcard dot empty", req: hostHeader("dot.example.com"), status: 200, body: body("dot.example.com")},
	})
}
