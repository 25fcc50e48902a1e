package tests

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// newReader wraps a connection for readHead and frame reads.
func newReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

// writeClientFrame sends one masked text frame (RFC 6455 clients mask).
func writeClientFrame(t *testing.T, w io.Writer, msg string) {
	t.Helper()
	if len(msg) > 125 {
		t.Fatal("test frames are short")
	}
	mask := [4]byte{1, 2, 3, 4}
	frame := []byte{0x81, 0x80 | byte(len(msg)), mask[0], mask[1], mask[2], mask[3]}
	for i := 0; i < len(msg); i++ {
		frame = append(frame, msg[i]^mask[i%4])
	}
	if _, err := w.Write(frame); err != nil {
		t.Fatal(err)
	}
}

// readServerFrame reads one unmasked frame and returns its payload.
func readServerFrame(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		var b [2]byte
		io.ReadFull(r, b[:])
		n = int(binary.BigEndian.Uint16(b[:]))
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	return string(payload)
}

// httpsGet sends a GET over TLS with the given SNI and Host, trusting any
// certificate (the tests make their own).
func httpsGet(t *testing.T, addr, host, uri string) response {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{ServerName: host, InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	req := mustRequest(t, "GET", "https://"+addr+uri, "")
	req.Host = host
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatalf("GET https://%s%s: %v", addr, uri, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// procStatusKiB reads one kB field of /proc/PID/status.
func procStatusKiB(t *testing.T, pid int, field string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// rssKiB is a process's resident memory now; peakRSSKiB its high-water mark.
func rssKiB(t *testing.T, pid int) int     { return procStatusKiB(t, pid, "VmRSS") }
func peakRSSKiB(t *testing.T, pid int) int { return procStatusKiB(t, pid, "VmHWM") }
