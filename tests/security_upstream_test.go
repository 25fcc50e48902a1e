package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What an upstream sends must never be taken for another request's answer,
// and a response header nginx would refuse is refused. These tests drive
// the real gw against a raw upstream that answers each request path with a
// scripted byte sequence, well or badly framed.

// errorLogHas reports whether a message of gw's error log contains text,
// waiting a little: gw's stderr reaches the test through a pipe.
func errorLogHas(p *gwProcess, text string) bool {
	deadline := time.Now().Add(2 * time.Second)
	for {
		for _, line := range strings.Split(p.stderr.String(), "\n") {
			var e struct{ Message string }
			if json.Unmarshal([]byte(line), &e) == nil && strings.Contains(e.Message, text) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lfBackend answers with headers whose lines end in LF alone (or mix LF and
// CRLF), as nginx accepts them; each body is the request path.
func lfBackend(t *testing.T) *rawBackend {
	b := startRawBackend(t)
	b.respond = func(head string, w io.Writer) bool {
		_, rest, _ := strings.Cut(firstLine(head), " ")
		path, _, _ := strings.Cut(rest, " ")
		kind, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		n := strconv.Itoa(len(path))
		var resp string
		keep := true
		switch kind {
		case "lf":
			resp = "HTTP/1.1 200 OK\nContent-Length: " + n + "\nX-Test: lf\n\n" + path
		case "mixed":
			resp = "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\nX-Test: mixed\r\n\n" + path
		case "crlflf": // CRLF lines, the empty line a bare LF
			resp = "HTTP/1.1 200 OK\r\nX-Test: crlflf\r\nContent-Length: " + n + "\r\n\n" + path
		case "lfchunked":
			resp = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nX-Test: lf\n\n" +
				strconv.FormatInt(int64(len(path)), 16) + "\r\n" + path + "\r\n0\r\n\r\n"
		case "lf204":
			resp = "HTTP/1.1 204 No Content\nX-Test: lf\n\n"
		case "lfclose": // no length: the body ends with the connection
			resp = "HTTP/1.1 200 OK\nX-Test: lf\nConnection: close\n\n" + path
			keep = false
		case "crvalue": // a bare CR inside a header line
			resp = "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\rX-Test: cr\r\n\r\n" + path
		case "crend": // a bare CR where the empty line should be
			resp = "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\rX\r\n\r\n" + path
		case "crstatus": // a bare CR inside the status line
			resp = "HTTP/1.1 200 O\rK\r\nContent-Length: " + n + "\r\n\r\n" + path
		default:
			resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
		}
		io.WriteString(w, resp)
		return keep
	}
	return b
}

func TestUpstreamBareLFResponseHeaders(t *testing.T) {
	be := lfBackend(t)
	other := lfBackend(t)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log stderr error;
events {}
http {
    upstream app { server %[2]s; keepalive 4; }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; proxy_read_timeout 1s; }
        location /single/ { proxy_pass http://%[3]s/; proxy_read_timeout 1s; }
    }
}`, a, be.addr(), other.addr()), a)

	check := func(rc *rawClient, path string, wantStatus int, wantHeader string) {
		t.Helper()
		rc.send(t, "GET "+path+" HTTP/1.1\r\nHost: t\r\n\r\n")
		r, err := rc.read(5*time.Second, false)
		if err != nil {
			t.Fatalf("%s: %v (head %q)", path, err, r.head)
		}
		if r.status != wantStatus {
			t.Fatalf("%s: status %d, want %d\n%s", path, r.status, wantStatus, r.head)
		}
		if strings.Contains(strings.ReplaceAll(r.head, "\r\n", ""), "\n") {
			t.Errorf("%s: gw's header is not CRLF-framed: %q", path, r.head)
		}
		if wantHeader != "" && headerValue(r.head, "X-Test") != wantHeader {
			t.Errorf("%s: X-Test %q, want %q", path, headerValue(r.head, "X-Test"), wantHeader)
		}
		if wantStatus == 200 && r.body != strings.TrimPrefix(path, "/single") {
			t.Errorf("%s: body %q", path, r.body)
		}
	}

	// Kept alive: every answer over one upstream connection, so each
	// header and body was framed exactly.
	rc := dialRaw(t, a)
	for i := 0; i < 3; i++ {
		check(rc, fmt.Sprintf("/lf/%d", i), 200, "lf")
		check(rc, fmt.Sprintf("/mixed/%d", i), 200, "mixed")
		check(rc, fmt.Sprintf("/crlflf/%d", i), 200, "crlflf")
		check(rc, fmt.Sprintf("/lfchunked/%d", i), 200, "lf")
		check(rc, fmt.Sprintf("/lf204/%d", i), 204, "lf")
	}
	if n := be.conns.Load(); n != 1 {
		t.Errorf("%d upstream connections for 15 kept-alive answers, want 1", n)
	}

	// Not kept alive, and a body that ends with the connection (gw's
	// answer ends with the client's connection too).
	check(rc, "/single/lf/x", 200, "lf")
	check(dialRaw(t, a), "/single/lfclose/y", 200, "lf")
	check(dialRaw(t, a), "/lfclose/z", 200, "lf")

	// A CR not followed by LF ends nothing: 502.
	for _, path := range []string{"/crvalue/1", "/crend/2", "/crstatus/3"} {
		check(dialRaw(t, a), path, 502, "")
	}
	if !errorLogHas(p, "while reading response header from upstream") {
		t.Errorf("no error-log line for the bare CRs:\n%s", p.stderr)
	}
}

func TestUpstreamInvalidResponseHeaderNames(t *testing.T) {
	be := startRawBackend(t)
	lines := map[string]string{
		"/space":   "X A: 1\r\n",
		"/clspace": "Content-Length : 2\r\n",
		"/control": "X\x01A: 1\r\n",
		"/empty":   ": 1\r\n",
		"/fold":    "X-A: 1\r\n  continued\r\n",
		"/foldtab": "X-A: 1\r\n\tcontinued\r\n",
	}
	be.respond = func(head string, w io.Writer) bool {
		_, rest, _ := strings.Cut(firstLine(head), " ")
		path, _, _ := strings.Cut(rest, " ")
		line := lines[path]
		if path == "/trailing" {
			line = "X-A : 1\r\n"
		}
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"+line+"\r\nok")
		return true
	}
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log stderr error;
events {}
http {
    upstream app { server %[2]s; keepalive 4; }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; proxy_read_timeout 1s; }
    }
}`, a, be.addr()), a)

	for path := range lines {
		if r := get(t, a, "", path); r.status != 502 {
			t.Errorf("%s (%q): %d %q, want 502", path, lines[path], r.status, r.body)
		}
	}
	for _, msg := range []string{
		`upstream sent invalid header: "X\x20..." while reading response header from upstream`,
		`upstream sent invalid header: "Content-Length\x20..."`,
		`upstream sent invalid header: "X\x01..."`,
		`upstream sent invalid header: "\x3a..."`,
		`upstream sent invalid header: "\x20..."`,
		`upstream sent invalid header: "\x09..."`,
	} {
		if !errorLogHas(p, msg) {
			t.Errorf("no error-log line %q in:\n%s", msg, p.stderr)
		}
	}
	// The answer after them is whole: nothing of theirs was left behind.
	if r := get(t, a, "", "/none"); r.status != 200 || r.body != "ok" {
		t.Errorf("after the refusals: %d %q", r.status, r.body)
	}
	// Whitespace between a name and its colon is dropped, as RFC 9112
	// 5.1 asks of a proxy (only for the framing fields is it refused).
	if r := get(t, a, "", "/trailing"); r.status != 200 || r.header.Get("X-A") != "1" {
		t.Errorf("X-A : 1: %d %v", r.status, r.header)
	}
}
