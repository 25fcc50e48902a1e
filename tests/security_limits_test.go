package tests

// Resource limits an attacker or a careless client can reach: descriptors,
// worker_connections, and nginx's timeouts. The security audit found each
// to be a way for a few clients to stop gw serving everyone else.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// errorLog returns the error log of a gw started with
// "error_log logs/error.log".
func (p *gwProcess) errorLog() string {
	b, _ := os.ReadFile(filepath.Join(p.prefix, "logs", "error.log"))
	return string(b)
}

// TestSecurityDescriptorsRunOut: with a limit of 64 open files and more
// connections than that, accept() fails with EMFILE. gw must log it about
// once a second, keep its listener, and serve again once descriptors are
// free (fasthttp alone gives up on the listener for good).
func TestSecurityDescriptorsRunOut(t *testing.T) {
	a := addr(freePort(t))
	p := startGWWith(t, "ulimit -n 64", fmt.Sprintf(`
error_log logs/error.log info;
events {}
http { server { listen %s; location / { return 200 "alive"; } } }`, a), a)

	start := time.Now()
	var held []net.Conn
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", a, 2*time.Second)
		if err != nil {
			break // the backlog is full: enough
		}
		held = append(held, c)
	}
	waitFor(t, "accept() to fail with EMFILE", func() bool {
		return strings.Contains(p.errorLog(), "accept() failed (24: Too many open files)")
	})
	// Keep the shortage up for a while: the line must not repeat faster
	// than about once a second.
	deadline := time.Now().Add(2500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", a, 100*time.Millisecond); err == nil {
			held = append(held, c)
		}
		time.Sleep(50 * time.Millisecond) // pacing the flood, not waiting for state
	}
	for _, c := range held {
		c.Close()
	}
	lines := strings.Count(p.errorLog(), "accept() failed (24: Too many open files)")
	if limit := int(time.Since(start).Seconds()) + 2; lines > limit {
		t.Errorf("accept() failure logged %d times in %v, want at most about one a second", lines, time.Since(start))
	}
	// Descriptors are free again: gw serves.
	var r rawResponse
	waitFor(t, "gw to serve again after the shortage", func() bool {
		c, err := net.DialTimeout("tcp", a, time.Second)
		if err != nil {
			return false
		}
		defer c.Close()
		rc := &rawClient{c: c, br: newReader(c)}
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
		r, err = rc.read(time.Second, false)
		return err == nil && r.status == 200 && r.body == "alive"
	})
}

// limitsConfig has a tiny worker_connections and short timeouts.
const limitsConfig = `
error_log logs/error.log info;
events { worker_connections 16; }
http {
    client_header_timeout 1s;
    client_body_timeout 1s;
    send_timeout 1s;
    keepalive_timeout 2500ms;
    upstream app { server %[2]s; }
    server {
        listen %[1]s;
        location = /hello { return 200 "hello"; }
        location / { proxy_pass http://app; }
    }
}
`

func limitsGW(t *testing.T) (string, *gwProcess) {
	t.Helper()
	be := startDemo(t, "app")
	a := addr(freePort(t))
	return a, startGW(t, fmt.Sprintf(limitsConfig, a, be), a)
}

// TestSecurityIdleConnectionsCannotLockOut: worker_connections filled by
// connections that sent nothing, or that sit in keep-alive, must not keep
// a new client out: the longest idle one is closed to make room, and the
// error log says so, in nginx's words.
func TestSecurityIdleConnectionsCannotLockOut(t *testing.T) {
	for _, kind := range []string{"silent", "keep-alive"} {
		t.Run(kind, func(t *testing.T) {
			a, p := limitsGW(t)
			var idle []*rawClient
			for i := 0; i < 16; i++ {
				rc := dialRaw(t, a)
				if kind == "keep-alive" {
					rc.send(t, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
					if r := rc.mustRead(t, false); r.status != 200 {
						t.Fatalf("connection %d: %d", i, r.status)
					}
				}
				idle = append(idle, rc)
			}
			// Polled: the silent ones are only counted once gw accepted them,
			// and client_header_timeout (1s) must not be what frees a slot,
			// so each try is well inside it.
			start := time.Now()
			rc := dialRaw(t, a)
			rc.send(t, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
			r, err := rc.read(800*time.Millisecond, false)
			if err != nil || r.status != 200 || r.body != "hello" {
				t.Fatalf("a new client with 16 idle connections open: %d %q %v after %v\n%s", r.status, r.body, err, time.Since(start), p.errorLog())
			}
			closed := 0
			for _, c := range idle {
				if c.closedWithin(100 * time.Millisecond) {
					closed++
				}
			}
			if closed == 0 {
				t.Error("no idle connection was closed to make room")
			}
			if !strings.Contains(p.errorLog(), "16 worker_connections are not enough, reusing connections") {
				t.Errorf("error log lacks nginx's warning:\n%s", p.errorLog())
			}
		})
	}
}

// TestSecurityBusyConnectionsQueueNewClients: when every connection is
// busy, a new client waits for a free one instead of being refused.
func TestSecurityBusyConnectionsQueueNewClients(t *testing.T) {
	a, _ := limitsGW(t)
	busy := make(chan int, 16)
	for i := 0; i < 16; i++ {
		go func() {
			resp, err := http.Get("http://" + a + "/slow?ms=700")
			if err != nil {
				busy <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			busy <- resp.StatusCode
		}()
	}
	waitFor(t, "16 busy connections", func() bool { return countEstablished(t, a) >= 16 })
	r := get(t, a, "", "/hello")
	if r.status != 200 {
		t.Fatalf("a new client while every connection is busy: %d, want 200 once one frees", r.status)
	}
	for i := 0; i < 16; i++ {
		if s := <-busy; s != 200 {
			t.Fatalf("a busy request ended %d", s)
		}
	}
}

// countEstablished counts this process's established connections to a.
func countEstablished(t *testing.T, a string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skip("no /proc/net/tcp")
	}
	_, port, _ := net.SplitHostPort(a)
	var p int
	fmt.Sscanf(port, "%d", &p)
	want := fmt.Sprintf(":%04X ", p)
	n := 0
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		// remote address is the second field; state 01 is ESTABLISHED.
		if len(f) > 3 && strings.HasSuffix(f[2]+" ", want) && f[3] == "01" {
			n++
		}
	}
	return n
}

// TestSecurityHeaderTimeout: client_header_timeout bounds the header and
// is answered 408; a connection that sent nothing is closed without an
// answer, as nginx does.
func TestSecurityHeaderTimeout(t *testing.T) {
	a, _ := limitsGW(t)
	rc := dialRaw(t, a)
	start := time.Now()
	rc.send(t, "GET /hello HTTP/1.1\r\nHost: a\r\n")
	r, err := rc.read(3*time.Second, false)
	if err != nil || r.status != 408 {
		t.Fatalf("half a header: %d %v after %v, want 408", r.status, err, time.Since(start))
	}
	if took := time.Since(start); took < 900*time.Millisecond {
		t.Fatalf("408 after %v, before client_header_timeout 1s", took)
	}
	// One header byte every 400 ms keeps no connection alive past 1s.
	rc = dialRaw(t, a)
	start = time.Now()
	for _, b := range "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n" {
		if _, err := rc.c.Write([]byte{byte(b)}); err != nil {
			break
		}
		if time.Since(start) > 3*time.Second {
			t.Fatal("a trickled header was accepted past client_header_timeout")
		}
		time.Sleep(400 * time.Millisecond) // the slow client under test
		if rc.closedWithin(time.Millisecond) {
			break
		}
	}
	if r, err := rc.read(time.Second, false); err == nil && r.status != 408 {
		t.Fatalf("trickled header: %d, want 408 or a closed connection", r.status)
	}
	// Nothing sent: closed quietly.
	rc = dialRaw(t, a)
	if !rc.closedWithin(3 * time.Second) {
		t.Fatal("a silent connection outlived client_header_timeout")
	}
	if r, err := rc.read(time.Second, false); err == nil {
		t.Fatalf("a silent connection was answered %d", r.status)
	}
}

// TestSecurityKeepaliveTimeout: keepalive_timeout (2.5s), not
// client_header_timeout (1s) nor the last body's client_body_timeout
// (1s), bounds the wait for the next request, and a request sent inside
// it is served.
func TestSecurityKeepaliveTimeout(t *testing.T) {
	a, _ := limitsGW(t)
	for _, first := range []string{
		"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody",
	} {
		rc := dialRaw(t, a)
		head, body, _ := strings.Cut(first, "\r\n\r\n")
		rc.send(t, head+"\r\n\r\n")
		if body != "" {
			// The body comes apart from the header, so that gw reads
			// it under client_body_timeout.
			time.Sleep(100 * time.Millisecond)
			rc.send(t, body)
		}
		if r := rc.mustRead(t, false); r.status != 200 {
			t.Fatalf("%q: %d", short(first), r.status)
		}
		start := time.Now()
		if rc.closedWithin(1500 * time.Millisecond) {
			t.Fatalf("after %q: closed after %v of keep-alive, before keepalive_timeout 2.5s", short(first), time.Since(start))
		}
		rc.send(t, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
		if r := rc.mustRead(t, false); r.status != 200 || r.body != "hello" {
			t.Fatalf("a request 1.5s into keep-alive: %d %q", r.status, r.body)
		}
		start = time.Now()
		if !rc.closedWithin(4 * time.Second) {
			t.Fatal("an idle keep-alive connection outlived keepalive_timeout")
		}
		if took := time.Since(start); took < 2300*time.Millisecond {
			t.Fatalf("closed after %v of keep-alive, before keepalive_timeout 2.5s", took)
		}
	}
}

// TestSecurityBodyTimeoutIsBetweenReads: client_body_timeout is the
// longest pause between two reads of the body, so a slow but steady upload
// completes, and a stalled one is cut after the pause.
func TestSecurityBodyTimeoutIsBetweenReads(t *testing.T) {
	a, _ := limitsGW(t)
	for _, target := range []string{"/upload", "/hello"} {
		rc := dialRaw(t, a)
		body := strings.Repeat("b", 12)
		rc.send(t, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n", target, len(body)))
		start := time.Now()
		for i := range body {
			time.Sleep(250 * time.Millisecond) // the slow client under test: 3 s in all
			rc.send(t, body[i:i+1])
		}
		r := rc.mustRead(t, false)
		if r.status != 200 || (target == "/upload" && !strings.Contains(r.body, "received: 12")) {
			t.Fatalf("%s: steady upload over %v: %d %q", target, time.Since(start), r.status, r.body)
		}
	}
	// A pause longer than the timeout is cut.
	rc := dialRaw(t, a)
	rc.send(t, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n"+strings.Repeat("x", 70000))
	start := time.Now()
	r, err := rc.read(4*time.Second, false)
	if err == nil && r.status != 408 {
		t.Fatalf("stalled upload: %d, want 408 or a closed connection", r.status)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("stalled upload cut after %v, want about client_body_timeout 1s", took)
	}
}

// TestSecuritySendTimeoutIsBetweenWrites: send_timeout is the longest wait
// for the client to take data, not a deadline for the response: a 50 MB
// download to a slow but steady reader completes, a reader that stops is
// cut.
func TestSecuritySendTimeoutIsBetweenWrites(t *testing.T) {
	a, _ := limitsGW(t)
	const size = 50 << 20
	c, err := net.Dial("tcp", a)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(64 << 10)
	fmt.Fprintf(c, "GET /bytes?n=%d&length=1 HTTP/1.1\r\nHost: a\r\n\r\n", size)
	start := time.Now()
	buf := make([]byte, 256<<10)
	var got int64
	for got < size+100 {
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		n, err := c.Read(buf)
		got += int64(n)
		if err != nil {
			break
		}
		time.Sleep(8 * time.Millisecond) // the slow reader under test
	}
	took := time.Since(start)
	if got < size || took < 1500*time.Millisecond {
		t.Fatalf("slow reader got %d of %d bytes in %v (the test needs more than send_timeout 1s)", got, size, took)
	}

	// A reader that stops taking data is cut after about send_timeout.
	c2, err := net.Dial("tcp", a)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.(*net.TCPConn).SetReadBuffer(64 << 10)
	fmt.Fprintf(c2, "GET /bytes?n=%d&length=1 HTTP/1.1\r\nHost: a\r\n\r\n", size)
	time.Sleep(4 * time.Second) // the stalled reader under test
	n, _ := io.Copy(io.Discard, readerWithDeadline{c2, 2 * time.Second})
	if n >= size {
		t.Fatalf("a reader that stalled for 4s still got all %d bytes", n)
	}
}

// readerWithDeadline reads with a fresh deadline per read.
type readerWithDeadline struct {
	c net.Conn
	d time.Duration
}

func (r readerWithDeadline) Read(p []byte) (int, error) {
	r.c.SetReadDeadline(time.Now().Add(r.d))
	return r.c.Read(p)
}
