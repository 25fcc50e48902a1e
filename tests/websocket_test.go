package tests

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWebSocketThroughGW(t *testing.T) {
	b := startDemo(t, "ws1")
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; }
    server {
        listen %[1]s;
        location /ws {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://app;
        }
    }
}`, a, b), a)

	c, err := net.DialTimeout("tcp", a, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	r := newReader(c)
	head, err := readHead(r)
	if err != nil || !strings.HasPrefix(head, "HTTP/1.1 101") || headerValue(head, "Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake through gw: %q %v", head, err)
	}
	for i, msg := range []string{"hello", "again"} {
		writeClientFrame(t, c, msg)
		got := readServerFrame(t, r)
		want := msg
		if i == 0 {
			want = "ws1: " + msg
		}
		if got != want {
			t.Fatalf("echo %d: %q, want %q", i, got, want)
		}
	}
}

// wsOpen opens a WebSocket through gw at a and returns the connection
// after the 101.
func wsOpen(t *testing.T, a string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", a, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	r := newReader(c)
	if head, err := readHead(r); err != nil || !strings.HasPrefix(head, "HTTP/1.1 101") {
		t.Fatalf("handshake through gw: %q %v", head, err)
	}
	return c, r
}

// wsStopConfig proxies /ws to backend b without the nginx recipe (gw passes
// a WebSocket handshake's Upgrade by itself) and logs $status and
// $upstream_status.
const wsStopConfig = `
events {}
worker_shutdown_timeout %[3]s;
http {
    log_format st '$status $upstream_status';
    server {
        listen %[1]s;
        access_log logs/access.log st;
        location /ws { proxy_pass http://%[2]s; }
    }
}`

func TestWebSocketGracefulStopWaitsForTunnels(t *testing.T) {
	b := startDemo(t, "ws1")
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(wsStopConfig, a, b, "20s"), a)
	c, r := wsOpen(t, a)
	writeClientFrame(t, c, "hi")
	if got := readServerFrame(t, r); got != "ws1: hi" {
		t.Fatalf("echo %q", got)
	}
	p.cmd.Process.Signal(syscall.SIGQUIT)
	waitFor(t, "gw to stop accepting", func() bool {
		conn, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	writeClientFrame(t, c, "after QUIT")
	if got := readServerFrame(t, r); got != "after QUIT" {
		t.Fatalf("echo after QUIT %q", got)
	}
	select {
	case <-p.exited:
		t.Fatal("gw exited with a tunnel open")
	default:
	}
	start := time.Now()
	c.Close()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatalf("gw still running 5s after the last tunnel closed:\n%s", p.stderr)
	}
	t.Logf("gw exited %v after the tunnel closed", time.Since(start))
	// As nginx, the line of an upgraded request is written when its
	// connection closes.
	if line := readLines(t, filepath.Join(p.prefix, "logs", "access.log"), 1)[0]; line != "101 101" {
		t.Errorf("access log %q, want the 101 and the upstream's", line)
	}
}

func TestWebSocketStopClosesTunnels(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sig     syscall.Signal
		timeout string
		min     time.Duration
	}{
		{"QUIT after worker_shutdown_timeout", syscall.SIGQUIT, "1s", 900 * time.Millisecond},
		{"TERM at once", syscall.SIGTERM, "20s", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := startDemo(t, "ws1")
			a := addr(freePort(t))
			p := startGW(t, fmt.Sprintf(wsStopConfig, a, b, tc.timeout), a)
			_, r := wsOpen(t, a)
			start := time.Now()
			p.cmd.Process.Signal(tc.sig)
			if _, err := r.ReadByte(); err != io.EOF {
				t.Fatalf("read %v, want EOF", err)
			}
			if d := time.Since(start); d < tc.min || d > tc.min+3*time.Second {
				t.Errorf("tunnel closed after %v", d)
			}
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
				t.Fatalf("gw did not exit:\n%s", p.stderr)
			}
		})
	}
}
