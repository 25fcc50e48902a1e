package tests

// The security suite: every hole an outside security audit found in gw and
// the malformed requests gw refuses, each driven against the real binary.
// A case here fails if a later change reopens the hole.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// securityConfig proxies to a recording raw backend on a keep-alive
// upstream; /admin/ is the location an attacker wants to reach around.
const securityConfig = `
error_log logs/error.log debug;
events {}
http {
    access_log logs/access.log;
    upstream app { server %[2]s; keepalive 8; }
    server {
        listen %[1]s;
        location = /admin/ { return 403; }
        location /limited/ {
            client_max_body_size 1k;
            proxy_pass http://app;
        }
        location /h10/ {
            proxy_http_version 1.0;
            proxy_pass http://app;
        }
        location / { proxy_pass http://app; }
    }
}
`

// securityGW starts gw with securityConfig in front of a raw backend that
// echoes each request line as its body.
func securityGW(t *testing.T) (string, *gwProcess, *rawBackend) {
	t.Helper()
	be := startRawBackend(t)
	be.respond = echoResponder
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(securityConfig, a, be.addr()), a)
	return a, p, be
}

// echoResponder answers 200 with the request line as the body, so a test
// can tell whose response a client received.
func echoResponder(head string, w io.Writer) bool {
	body := firstLine(head)
	io.WriteString(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body))
	return true
}

// sawRequest reports whether any request head the backend received
// contains s.
func (b *rawBackend) sawRequest(s string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range b.requests {
		if strings.Contains(h, s) {
			return true
		}
	}
	return false
}

// requestCase is one request sent as raw bytes, and gw's required answer.
type requestCase struct {
	name   string
	raw    string
	status int  // the status gw must answer with
	closes bool // the connection must be closed after the answer
}

// malformedRequests are requests gw must refuse with a 4xx (or 5xx where
// nginx does) without forwarding anything, each with nginx 1.22's answer
// unless the comment says why gw differs.
var malformedRequests = []requestCase{
	{"garbage request line", "GARBAGE\r\n\r\n", 400, true},
	{"HTTP/1.1 without Host", "GET /x HTTP/1.1\r\n\r\n", 400, true},
	{"header line without colon", "GET /x HTTP/1.1\r\nHost: a\r\nBroken header\r\n\r\n", 400, true},
	{"two different Content-Lengths", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, true},
	{"header too large", "GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("x", 64<<10) + "\r\n\r\n", 431, true},
	// RFC 9112 6.1: both framings at once is a smuggling attempt.
	{"Content-Length and Transfer-Encoding (CL.TE)", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"Transfer-Encoding and Content-Length (TE.CL)", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n0\r\n\r\n", 400, true},
	{"Content-Length with a sign", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400, true},
	{"negative Content-Length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, true},
	{"Content-Length list", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", 400, true},
	{"Content-Length overflowing", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, true},
	{"invalid chunk size", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400, true},
	// nginx answers 501 to a transfer coding it does not implement.
	{"Transfer-Encoding other than chunked", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, true},
	{"Transfer-Encoding identity", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 501, true},
	{"Transfer-Encoding with space before colon", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400, true},
	// nginx ignores invalid header names by default (ignore_invalid_headers);
	// gw refuses them: a name a backend may read differently is a smuggling
	// vector (README, Hardening).
	{"header name with a space", "GET /x HTTP/1.1\r\nHost: a\r\nX A: 1\r\n\r\n", 400, true},
	{"header name with a control byte", "GET /x HTTP/1.1\r\nHost: a\r\nX\x01A: 1\r\n\r\n", 400, true},
	{"empty header name", "GET /x HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 400, true},
	{"header value with NUL", "GET /x HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\n\r\n", 400, true},
	{"header value with bare CR", "GET /x HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n", 400, true},
	{"obs-fold continuation line", "GET /x HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n", 400, true},
	{"whitespace before the first header", "GET /x HTTP/1.1\r\n Host: a\r\n\r\n", 400, true},
	{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, true},
	{"HTTP/2.0 request line", "GET /x HTTP/2.0\r\nHost: a\r\n\r\n", 505, true},
	{"HTTP/3.0 request line", "GET /x HTTP/3.0\r\nHost: a\r\n\r\n", 505, true},
	{"lower-case protocol", "GET /x http/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"two Host headers", "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, true},
	{"Host with a space", "GET /x HTTP/1.1\r\nHost: a b\r\n\r\n", 400, true},
	{"Host with a slash", "GET /x HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, true},
	{"invalid percent escape at the end", "GET /a% HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"short percent escape", "GET /a%1 HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"non-hex percent escape", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"encoded NUL in the path", "GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"path above the root", "GET /../x HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"encoded dots above the root", "GET /%2e%2e/x HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"lower-case method", "get /x HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"asterisk target", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 400, true},
	{"Host with two dots", "GET /x HTTP/1.1\r\nHost: a..b\r\n\r\n", 400, true},
	{"two Authorization lines", "GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YTpi\r\nAuthorization: Basic YzpkZA==\r\n\r\n", 400, true},
	// nginx answers these two 400. fasthttp refuses them itself with the
	// same error as an unknown coding (SecureErrorLogMessage keeps request
	// bytes out of its errors, and with them what would tell them apart),
	// so gw answers 501 as to an unknown transfer coding.
	{"duplicate Transfer-Encoding", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501, true},
	{"Transfer-Encoding in HTTP/1.0", "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501, true},
	// A CR not followed by LF: nginx refuses it at once, and so must gw
	// rather than wait for a line end.
	{"bare CR line ends", "GET /x HTTP/1.1\rHost: a\r\r", 400, true},
}

// acceptedRequests are odd but valid requests that nginx serves, and gw
// must serve too (the body is the request line the backend got).
var acceptedRequests = []struct{ name, raw, backendGot string }{
	{"HTTP/1.2 served as HTTP/1.1", "GET /v HTTP/1.2\r\nHost: a\r\n\r\n", "GET /v HTTP/1.1"},
	{"made-up method", "FOO /m HTTP/1.1\r\nHost: a\r\n\r\n", "FOO /m HTTP/1.1"},
	{"absolute-form target", "GET http://other/abs?q=1 HTTP/1.1\r\nHost: a\r\n\r\n", "GET /abs?q=1 HTTP/1.1"},
	{"chunk extension", "POST /ext HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\n\r\n", "POST /ext HTTP/1.1"},
	{"Content-Length with spaces", "POST /sp HTTP/1.1\r\nHost: a\r\nContent-Length:  5 \r\n\r\nhello", "POST /sp HTTP/1.1"},
	{"dot segments within the root", "GET /a/./b/../c HTTP/1.1\r\nHost: a\r\n\r\n", "GET /a/./b/../c HTTP/1.1"},
}

func TestSecurityOddButValidRequestsServed(t *testing.T) {
	a, _, _ := securityGW(t)
	for _, c := range acceptedRequests {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRaw(t, a)
			rc.send(t, c.raw)
			if r := rc.mustRead(t, false); r.status != 200 || r.body != c.backendGot {
				t.Fatalf("%d, backend got %q, want %q\n%s", r.status, r.body, c.backendGot, r.head)
			}
			// The connection stays usable.
			rc.send(t, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
			if r := rc.mustRead(t, false); r.status != 200 || r.body != "GET /next HTTP/1.1" {
				t.Fatalf("next request on the connection: %d %q", r.status, r.body)
			}
		})
	}
}

func TestSecurityMalformedRequestsRefused(t *testing.T) {
	a, p, be := securityGW(t)
	for _, c := range malformedRequests {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRaw(t, a)
			rc.send(t, c.raw)
			r, err := rc.read(3*time.Second, false)
			if err != nil {
				t.Fatalf("no answer: %v (got %q)", err, r.head)
			}
			if r.status != c.status {
				t.Fatalf("status %d, want %d\n%s", r.status, c.status, r.head)
			}
			if c.closes && !rc.closedWithin(2*time.Second) {
				t.Fatal("the connection stayed open after the refusal")
			}
		})
	}
	if be.sawRequest("/smuggled") || be.sawRequest("/x ") || be.sawRequest("/a") {
		t.Fatalf("a refused request reached the backend: %q", be.requests)
	}
	// gw still serves after all of that.
	rc := dialRaw(t, a)
	rc.send(t, "GET /fine HTTP/1.1\r\nHost: a\r\n\r\n")
	if r := rc.mustRead(t, false); r.status != 200 || r.body != "GET /fine HTTP/1.1" {
		t.Fatalf("after the malformed requests: %d %q\n%s", r.status, r.body, p.stderr)
	}
}

// TestSecuritySmuggledRequestNeverRuns sends a CL.TE request whose body
// hides a second request on the same connection, then a normal request: the
// hidden one must never be answered or forwarded.
func TestSecuritySmuggledRequestNeverRuns(t *testing.T) {
	a, _, be := securityGW(t)
	rc := dialRaw(t, a)
	rc.send(t, "POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
	r, err := rc.read(3*time.Second, false)
	if err != nil || r.status != 400 {
		t.Fatalf("CL.TE request: %d %v, want 400", r.status, err)
	}
	if r2, err := rc.read(time.Second, false); err == nil {
		t.Fatalf("a second response followed the 400: %d %q", r2.status, r2.body)
	}
	if be.sawRequest("/smuggled") || be.sawRequest("/first") {
		t.Fatalf("the backend saw %q", be.requests)
	}
}

// TestSecurityPathNormalisedBeforeMatching: nginx resolves dot segments and
// percent escapes before choosing a location, so none of these reach around
// `location = /admin/ { return 403; }`.
func TestSecurityPathNormalisedBeforeMatching(t *testing.T) {
	a, _, be := securityGW(t)
	for _, uri := range []string{
		"/admin/", "/admin/.", "/admin/%2e", "/admin/%2E", "/admin/.?x=1", "/admin/./",
		"/x/../admin/", "/admin//", "//admin/", "/admin/%2e/", "/x/..%2fadmin/", "/%61dmin/",
	} {
		t.Run(uri, func(t *testing.T) {
			rc := dialRaw(t, a)
			rc.send(t, "GET "+uri+" HTTP/1.1\r\nHost: a\r\n\r\n")
			if r := rc.mustRead(t, false); r.status != 403 {
				t.Fatalf("GET %s: %d %q, want 403 from location = /admin/", uri, r.status, r.body)
			}
		})
	}
	if be.sawRequest("admin") {
		t.Fatalf("an /admin/ request reached the backend: %q", be.requests)
	}
}

// TestSecurityBareLFRequest: nginx accepts LF alone as a line end; gw must
// answer such a request at once instead of waiting for a CRLF.
func TestSecurityBareLFRequest(t *testing.T) {
	a, _, be := securityGW(t)
	for name, raw := range map[string]string{
		"all LF":        "GET /lf HTTP/1.1\nHost: a\n\n",
		"CRLF then LF":  "GET /lf HTTP/1.1\r\nHost: a\nX-A: 1\r\n\n",
		"LF then CRLF":  "GET /lf HTTP/1.1\nHost: a\r\n\r\n",
		"LF in HTTP/10": "GET /lf HTTP/1.0\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			rc := dialRaw(t, a)
			start := time.Now()
			rc.send(t, raw)
			r, err := rc.read(2*time.Second, false)
			if err != nil || r.status != 200 {
				t.Fatalf("%d %v after %v", r.status, err, time.Since(start))
			}
			if !strings.HasPrefix(r.body, "GET /lf HTTP/1.") {
				t.Fatalf("backend got %q", r.body)
			}
		})
	}
	// What reaches the backend is CRLF-framed, whatever the client used.
	if h := be.lastRequest(t); !strings.Contains(h, "\r\nHost: ") && !strings.Contains(h, "\r\nhost: ") {
		t.Fatalf("forwarded head %q", h)
	}
}

// TestSecurityExpectContinueOversized: a body announced over
// client_max_body_size is refused with 413 before any 100 Continue, so the
// client never sends it.
func TestSecurityExpectContinueOversized(t *testing.T) {
	a, p, be := securityGW(t)
	rc := dialRaw(t, a)
	rc.send(t, "POST /limited/up HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
	r := rc.mustRead(t, false)
	if r.status != 413 {
		t.Fatalf("status %d, want 413 without 100 Continue first\n%s", r.status, r.head)
	}
	if be.sawRequest("/limited/up") {
		t.Fatal("the oversized request reached the backend")
	}
	// A body within the limit still gets its 100 Continue.
	rc = dialRaw(t, a)
	rc.send(t, "POST /limited/ok HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	if r := rc.mustRead(t, false); r.status != 100 {
		t.Fatalf("within the limit: %d, want 100 Continue", r.status)
	}
	rc.send(t, "hello")
	if r := rc.mustRead(t, false); r.status != 200 {
		t.Fatalf("after 100 Continue: %d", r.status)
	}
	// One access-log line each: the 413, and the request that went on
	// (deciding on 100 Continue logs nothing of its own).
	logPath := filepath.Join(p.prefix, "logs", "access.log")
	var lines []string
	waitFor(t, "the proxied request's access-log line", func() bool {
		lines = readLines(t, logPath, 1)
		return strings.Contains(lines[len(lines)-1], "upstream_addr")
	})
	if len(lines) != 2 || !strings.Contains(lines[0], `"status":413`) {
		t.Fatalf("access log, want the 413 and the proxied request only:\n%s", strings.Join(lines, "\n"))
	}
}

// TestSecurityHTTP10ClientNeverGetsChunked: a backend body of unknown
// length reaches an HTTP/1.0 client as raw bytes ended by closing the
// connection, never in chunked encoding, which HTTP/1.0 does not have.
func TestSecurityHTTP10ClientNeverGetsChunked(t *testing.T) {
	be := startRawBackend(t)
	be.respond = func(head string, w io.Writer) bool {
		io.WriteString(w, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
		return true
	}
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`events {} http { server { listen %s; location / { proxy_pass http://%s; proxy_buffering off; } } }`, a, be.addr()), a)
	for _, ka := range []string{"", "Connection: keep-alive\r\n"} {
		rc := dialRaw(t, a)
		rc.send(t, "GET / HTTP/1.0\r\n"+ka+"\r\n")
		r := rc.mustRead(t, false)
		if r.status != 200 || hasHeader(r.head, "Transfer-Encoding") || r.body != "hello world" {
			t.Fatalf("HTTP/1.0 client (%q): %d body %q\n%s", ka, r.status, r.body, r.head)
		}
		if !rc.closedWithin(2 * time.Second) {
			t.Fatal("an unframed body must end with the connection")
		}
	}
}

// TestSecurityLogsCarryNoSecrets: whatever a client sends, no error-log
// line at any level (debug included) repeats its raw bytes, its Cookie or
// its Authorization.
func TestSecurityLogsCarryNoSecrets(t *testing.T) {
	a, p, _ := securityGW(t)
	const secret = "s3cr3t-7f1c"
	for _, raw := range []string{
		"GET /x HTTP/1.1\r\nHost: a\r\nCookie: sid=" + secret + "\r\nX A: 1\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Basic " + secret + "\r\nBroken\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nCookie: " + secret + "\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET /" + secret + "% HTTP/1.1\r\nHost: a\r\n\r\n",
		"GARBAGE " + secret + "\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nCookie: " + secret + "\r\nX-Big: " + strings.Repeat("x", 64<<10) + "\r\n\r\n",
		"POST /limited/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + secret + "\r\nContent-Length: 5000\r\n\r\n",
	} {
		rc := dialRaw(t, a)
		rc.send(t, raw)
		_, _ = rc.read(3*time.Second, false)
	}
	logPath := filepath.Join(p.prefix, "logs", "error.log")
	waitFor(t, "error-log lines about the refused requests", func() bool {
		b, _ := os.ReadFile(logPath)
		return strings.Count(string(b), "\n") >= 5
	})
	b, _ := os.ReadFile(logPath)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, secret) {
			t.Errorf("the error log leaks a secret: %s", line)
		}
	}
}
