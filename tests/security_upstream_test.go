package tests

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// What an upstream sends must never be taken for another request's answer,
// and a response header nginx would refuse is refused. These tests drive
// the real gw against a raw upstream that answers each request path with a
// scripted byte sequence, well or badly framed.

// forgedResponse is a whole response hidden where no response may be: in a
// body the framing says is not there, after the end of a body, or sent on
// an idle connection. A client that receives FORGED! got an answer meant
// for nobody.
const forgedResponse = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nFORGED!"

// lateDelay is how long the upstream waits before sending the bytes of a
// "late" answer: by then gw has passed the response on and parked the
// connection.
const lateDelay = 20 * time.Millisecond

// scriptedBackend is a raw upstream whose answer to each request is chosen
// by the first segment of the request path (see answer). For every
// connection it remembers whether the last answer was badly framed and
// records what gw did with the connection next: sent another request on
// it (a reuse that must never happen) or closed it.
type scriptedBackend struct {
	ln    net.Listener
	conns atomic.Int64

	bad            atomic.Int64 // badly framed answers sent
	closedAfterBad atomic.Int64 // connections gw closed right after one
	late           atomic.Int64 // late bytes written

	mu     sync.Mutex
	reused []string // bad answers whose connection carried another request
}

func startScriptedBackend(t *testing.T) *scriptedBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &scriptedBackend{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.conns.Add(1)
			go b.serve(c)
		}
	}()
	return b
}

func (b *scriptedBackend) addr() string { return b.ln.Addr().String() }

func (b *scriptedBackend) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	lastBad := ""
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		head, err := readHead(br)
		if err != nil {
			var ne net.Error
			if lastBad != "" && !(errors.As(err, &ne) && ne.Timeout()) {
				b.closedAfterBad.Add(1)
			}
			return
		}
		if lastBad != "" {
			b.mu.Lock()
			b.reused = append(b.reused, lastBad+" then "+firstLine(head))
			b.mu.Unlock()
		}
		method, rest, _ := strings.Cut(firstLine(head), " ")
		target, _, _ := strings.Cut(rest, " ")
		lastBad = ""
		keep, bad := b.answer(c, method, target)
		if bad {
			b.bad.Add(1)
			lastBad = method + " " + target
		}
		if !keep {
			return
		}
	}
}

// answer writes the scripted answer to one request and reports whether
// the connection stays open and whether the answer was badly framed. The
// good answers carry the request path as their body, so a client can tell
// its own answer from any other.
func (b *scriptedBackend) answer(w io.Writer, method, path string) (keep, bad bool) {
	kind, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	n := strconv.Itoa(len(path))
	send := func(s string) { _, _ = io.WriteString(w, s) }
	later := func(s string) {
		time.Sleep(lateDelay)
		send(s)
		b.late.Add(1)
	}
	switch kind {
	case "ok":
		send("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n" + path)
	case "chunked":
		send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(path)), 16) + "\r\n" + path + "\r\n0\r\n\r\n")
	case "headok": // HEAD: the length the body would have, no body
		send("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n")

	// Badly framed, but the answer itself is usable: gw passes it and
	// closes the connection.
	case "body204":
		send("HTTP/1.1 204 No Content\r\n\r\n" + forgedResponse)
		return true, true
	case "cl204":
		send("HTTP/1.1 204 No Content\r\nContent-Length: " + strconv.Itoa(len(forgedResponse)) + "\r\n\r\n" + forgedResponse)
		return true, true
	case "body304":
		send("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n" + forgedResponse)
		return true, true
	case "headbody": // HEAD answered with a body
		send("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(forgedResponse)) + "\r\n\r\n" + forgedResponse)
		return true, true
	case "long": // more bytes than Content-Length
		send("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n" + path + forgedResponse)
		return true, true

	// The same, with the extra bytes sent once gw has parked the
	// connection.
	case "late204":
		send("HTTP/1.1 204 No Content\r\n\r\n")
		later(forgedResponse)
		return true, true
	case "latelong":
		send("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n" + path)
		later(forgedResponse)
		return true, true
	case "latehead":
		send("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n")
		later("FORGED!" + forgedResponse)
		return true, true

	// Ambiguous framing: 502.
	case "clte":
		send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(forgedResponse)), 16) + "\r\n" + forgedResponse + "\r\n0\r\n\r\n")
		return true, true
	case "tecl":
		send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n" +
			strconv.FormatInt(int64(len(forgedResponse)), 16) + "\r\n" + forgedResponse + "\r\n0\r\n\r\n")
		return true, true
	case "dupcl":
		send("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\nContent-Length: " +
			strconv.Itoa(len(path)+len(forgedResponse)) + "\r\n\r\n" + path + forgedResponse)
		return true, true
	case "gzipte":
		send("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + path)
		return true, true
	default:
		send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
	}
	return true, false
}

// expectAnswer checks one answer gw passed on for a request of the given
// kind and path; it returns what is wrong, or "".
func expectAnswer(kind, path string, r rawResponse, err error) string {
	if err != nil {
		return fmt.Sprintf("%s: no whole response: %v (head %q)", path, err, r.head)
	}
	if strings.Contains(r.body, "FORGED") {
		return fmt.Sprintf("%s: got a forged answer: %d %q", path, r.status, r.body)
	}
	switch kind {
	case "ok", "chunked", "long", "latelong":
		if r.status != 200 || r.body != path {
			return fmt.Sprintf("%s: %d %q, want 200 with its own path", path, r.status, r.body)
		}
	case "body204", "cl204", "late204":
		if r.status != 204 {
			return fmt.Sprintf("%s: %d, want 204", path, r.status)
		}
	case "body304":
		if r.status != 304 {
			return fmt.Sprintf("%s: %d, want 304", path, r.status)
		}
	case "headok", "headbody", "latehead":
		if r.status != 200 {
			return fmt.Sprintf("HEAD %s: %d, want 200", path, r.status)
		}
	case "clte", "tecl", "dupcl", "gzipte":
		if r.status != 502 {
			return fmt.Sprintf("%s: %d %q, want 502", path, r.status, r.body)
		}
	}
	return ""
}

// exchange sends one request of the kind over rc and checks the answer.
func (rc *rawClient) exchange(kind, path string) string {
	method := "GET"
	if strings.HasPrefix(kind, "head") || kind == "latehead" {
		method = "HEAD"
	}
	_ = rc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(rc.c, method+" "+path+" HTTP/1.1\r\nHost: t\r\n\r\n"); err != nil {
		return path + ": " + err.Error()
	}
	r, err := rc.read(5*time.Second, method == "HEAD")
	return expectAnswer(kind, path, r, err)
}

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

func TestUpstreamKeepaliveNeverMixesResponses(t *testing.T) {
	be := startScriptedBackend(t)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log stderr error;
events {}
http {
    upstream app { server %[2]s; keepalive 4; }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; proxy_read_timeout 2s; }
    }
}`, a, be.addr()), a)

	// Interleaved: four clients at once, good and bad framings mixed, so
	// that any connection gw wrongly keeps is soon reused by some client.
	sequence := []string{"ok", "body204", "ok", "headbody", "chunked", "long", "ok", "clte", "ok",
		"body304", "dupcl", "headok", "tecl", "cl204", "gzipte", "ok"}
	const clients, rounds = 4, 2
	var wg sync.WaitGroup
	problems := make(chan string, clients*rounds*len(sequence))
	for c := 0; c < clients; c++ {
		rc := dialRaw(t, a)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				for i, kind := range sequence {
					path := fmt.Sprintf("/%s/c%d-r%d-%d", kind, c, r, i)
					if msg := rc.exchange(kind, path); msg != "" {
						problems <- msg
						return // the connection's framing is lost
					}
				}
			}
		}()
	}
	wg.Wait()
	close(problems)
	for msg := range problems {
		t.Error(msg)
	}

	// Bytes that arrive on a connection parked in the pool: one client,
	// nothing else running, so the next request takes the very connection
	// the bytes arrived on (gw's pool is last in, first out).
	rc := dialRaw(t, a)
	for i, kind := range []string{"late204", "latelong", "latehead"} {
		if msg := rc.exchange(kind, fmt.Sprintf("/%s/%d", kind, i)); msg != "" {
			t.Error(msg)
		}
		want := int64(i + 1)
		waitFor(t, "the late bytes of "+kind, func() bool { return be.late.Load() == want })
		if msg := rc.exchange("ok", fmt.Sprintf("/ok/after-%s", kind)); msg != "" {
			t.Errorf("after %s: %s", kind, msg)
		}
	}

	be.mu.Lock()
	for _, r := range be.reused {
		t.Errorf("gw reused a connection after a badly framed answer: %s", r)
	}
	be.mu.Unlock()
	bad := be.bad.Load()
	deadline := time.Now().Add(5 * time.Second)
	for be.closedAfterBad.Load() < bad && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := be.closedAfterBad.Load(); n != bad {
		t.Errorf("gw closed %d of the %d connections that carried a badly framed answer", n, bad)
	}
	if n := be.conns.Load(); n < bad {
		t.Errorf("%d upstream connections for %d badly framed answers", n, bad)
	}
	t.Logf("%d badly framed answers, %d upstream connections", bad, be.conns.Load())

	for _, msg := range []string{
		`upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time while reading response header from upstream`,
		`upstream sent duplicate header line: "Content-Length: `,
		`upstream sent unknown "Transfer-Encoding": "gzip" while reading response header from upstream`,
	} {
		if !errorLogHas(p, msg) {
			t.Errorf("no error-log line %q in:\n%s", msg, p.stderr)
		}
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
