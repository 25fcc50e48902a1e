package tests

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// syslogServer collects the datagrams sent to conn.
func syslogServer(t *testing.T, conn net.PacketConn) <-chan string {
	t.Helper()
	t.Cleanup(func() { conn.Close() })
	got := make(chan string, 100)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	return got
}

// waitDatagram returns the first datagram containing want.
func waitDatagram(t *testing.T, got <-chan string, want string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case d := <-got:
			if strings.Contains(d, want) {
				return d
			}
		case <-deadline:
			t.Fatalf("no syslog datagram with %q", want)
		}
	}
}

// TestSyslog: error_log and access_log to syslog as nginx sends them: one
// RFC 3164 datagram per line, over UDP and a unix datagram socket, with
// the facility, severity and tag asked for.
func TestSyslog(t *testing.T) {
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	errors := syslogServer(t, udp)
	sock := filepath.Join(t.TempDir(), "log.sock")
	unix, err := net.ListenPacket("unixgram", sock)
	if err != nil {
		t.Fatal(err)
	}
	access := syslogServer(t, unix)
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
error_log syslog:server=%[2]s,tag=gwtest info;
events {}
http {
    log_format short '$request_method $uri $status';
    access_log syslog:server=unix:%[3]s,facility=local0,severity=notice,nohostname short;
    server {
        listen %[1]s;
        location / { return 204; }
    }
}
`, gw, udp.LocalAddr().String(), sock), gw)

	started := waitDatagram(t, errors, "gw started")
	// local7 (23) × 8 + info (6) = 190, then the time and the tag.
	if !strings.HasPrefix(started, "<190>") || !strings.Contains(started, " gwtest: {") {
		t.Errorf("error log datagram %q", started)
	}
	get(t, gw, "", "/hello")
	line := waitDatagram(t, access, "GET /hello 204")
	// local0 (16) × 8 + notice (5) = 133; no hostname: the tag follows the time.
	stamp := len("Jan _2 15:04:05")
	if !strings.HasPrefix(line, "<133>") || line[5+stamp:] != " gw: GET /hello 204" {
		t.Errorf("access datagram %q", line)
	}
}
