package tests

// A client that leaves while gw waits for the upstream: as nginx does with
// proxy_ignore_client_abort off, gw abandons the upstream request, so the
// upstream stops working for nobody, and logs 499.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// slowBackend answers every request after delay, and reports on gone the
// time each connection was closed by gw before the answer was due (zero
// when gw kept it until the answer).
func slowBackend(t *testing.T, delay time.Duration) (string, <-chan time.Duration) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	gone := make(chan time.Duration, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := readHead(bufio.NewReader(c)); err != nil {
					return
				}
				start := time.Now()
				closed := make(chan struct{})
				go func() { io.Copy(io.Discard, c); close(closed) }()
				select {
				case <-closed:
					gone <- time.Since(start)
				case <-time.After(delay):
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate")
					gone <- 0
				}
			}()
		}
	}()
	return ln.Addr().String(), gone
}

func TestSecurityClientAbortAbandonsUpstream(t *testing.T) {
	be, gone := slowBackend(t, 2*time.Second)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log logs/error.log info;
events {}
http {
    log_format st '$status $request';
    access_log logs/access.log st;
    server {
        listen %s;
        location /abort { proxy_pass http://%s; }
        location /keep { proxy_ignore_client_abort on; proxy_pass http://%[2]s; }
    }
}`, a, be), a)

	// The client leaves 300 ms into the wait: the backend's connection is
	// closed soon after, long before its answer was due.
	rc := dialRaw(t, a)
	rc.send(t, "GET /abort HTTP/1.1\r\nHost: a\r\n\r\n")
	time.Sleep(300 * time.Millisecond) // the impatient client under test
	rc.c.Close()
	select {
	case d := <-gone:
		if d == 0 || d > 1200*time.Millisecond {
			t.Fatalf("the upstream request was abandoned after %v, want soon after the client left at 300ms (0: never)", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the backend never heard of the abandoned request")
	}
	logs := filepath.Join(p.prefix, "logs", "access.log")
	if l := readLines(t, logs, 1); l[0] != "499 GET /abort HTTP/1.1" {
		t.Fatalf("access log %q, want 499", l)
	}
	waitFor(t, "the error-log line", func() bool {
		return strings.Contains(p.errorLog(), "client prematurely closed connection, so upstream connection is closed too")
	})

	// proxy_ignore_client_abort on: the upstream request runs to its end.
	rc = dialRaw(t, a)
	rc.send(t, "GET /keep HTTP/1.1\r\nHost: a\r\n\r\n")
	time.Sleep(300 * time.Millisecond)
	rc.c.Close()
	select {
	case d := <-gone:
		if d != 0 {
			t.Fatalf("with proxy_ignore_client_abort on, the upstream connection was closed after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the backend never finished")
	}

	// A client that stays gets its slow answer.
	rc = dialRaw(t, a)
	rc.send(t, "GET /abort HTTP/1.1\r\nHost: a\r\n\r\n")
	if r := rc.mustRead(t, false); r.status != 200 || r.body != "late" {
		t.Fatalf("a patient client: %d %q", r.status, r.body)
	}
}
