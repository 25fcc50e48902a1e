package tests

import (
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request bodies never sit whole in memory, so that one large upload cannot
// exhaust gw's memory (a hole the security audit found). An upstream spoken
// to in HTTP/1.0 (proxy_http_version 1.0, nginx's default without
// keepalive) cannot take a chunked body, so gw must learn the length of a
// chunked upload before sending it. It keeps client_body_buffer_size of it
// in memory and the rest in an unlinked file under client_body_temp_path,
// as nginx does, instead of reading the whole body into memory.

// spoolRSSBound is how much gw's peak resident memory may grow while it
// spools an upload of any size: the body buffer, fasthttp's buffers and
// the Go runtime's slack, not the body. Before the fix a 256 MiB upload
// grew it by about 800 MiB.
const spoolRSSBound = 32 << 10 // KiB

// patternBody is an upload of n bytes made up as it is read: byte i is
// i mod 251, so a byte sent twice, lost or out of place changes the
// CRC-32. at, if set, runs once when half the body has been read.
type patternBody struct {
	n, off int64
	crc    uint32
	at     func()
	once   sync.Once
}

// patternBlock holds whole periods of the pattern, so any offset into the
// body is an offset into it.
var patternBlock = func() []byte {
	b := make([]byte, 251*256)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}()

func (b *patternBody) Read(p []byte) (int, error) {
	if b.off == b.n {
		return 0, io.EOF
	}
	if b.at != nil && b.off >= b.n/2 {
		b.once.Do(b.at)
	}
	src := patternBlock[b.off%251:]
	n := copy(p, src[:min(int64(len(src)), b.n-b.off)])
	b.crc = crc32.Update(b.crc, crc32.IEEETable, p[:n])
	b.off += int64(n)
	return n, nil
}

// uploadChunked POSTs body to url without a Content-Length (Go's client
// then sends it chunked) and returns the status and gw-demo's answer.
func uploadChunked(t *testing.T, url string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, io.NopCloser(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	bulk := &http.Client{Timeout: 2 * time.Minute}
	resp, err := bulk.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// openDeletedUnder lists the files gw (pid) holds open that were unlinked
// from dir: the spooled bodies. Errors are listed too: it runs on the
// client's sending goroutine, where a test may not stop.
func openDeletedUnder(pid int, dir string) []string {
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		return []string{err.Error()}
	}
	var open []string
	for _, fd := range fds {
		target, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + fd.Name())
		if err == nil && strings.HasPrefix(target, dir+"/") && strings.HasSuffix(target, " (deleted)") {
			open = append(open, target)
		}
	}
	return open
}

// dirEntries names what dir holds, or the error reading it.
func dirEntries(dir string) []string {
	es, err := os.ReadDir(dir)
	if err != nil {
		return []string{err.Error()}
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestChunkedUploadToHTTP10IsSpooledNotHeld(t *testing.T) {
	demo := startDemo(t, "b1")
	dead := closedPort(t)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log stderr error;
events {}
http {
    access_log off;
    client_max_body_size 0;
    upstream retried { server %[3]s; server %[2]s; }
    server {
        listen %[1]s;
        location / {
            proxy_http_version 1.0;
            proxy_pass http://%[2]s;
        }
        location /retry/ { proxy_pass http://retried/; }
    }
}`, a, demo, dead), a)
	pid := p.cmd.Process.Pid
	// client_body_temp_path's default, nginx's: created when first needed.
	temp := filepath.Join(p.prefix, "client_body_temp")

	// 256 MiB up, chunked: gw must send it with a Content-Length, and its
	// memory must not follow the body.
	const size = 256 << 20
	body := &patternBody{n: size}
	var during, inDir []string
	body.at = func() {
		// Half way, gw is still reading the body into its file: the file
		// is open but already has no name.
		during = openDeletedUnder(pid, temp)
		inDir = dirEntries(temp)
	}
	before := rssKiB(t, pid)
	start := time.Now()
	status, answer := uploadChunked(t, "http://"+a+"/upload", body)
	took := time.Since(start)
	peak := peakRSSKiB(t, pid)
	t.Logf("gw RSS before %d KiB, peak after a 256 MiB chunked upload %d KiB (growth %d KiB) in %v",
		before, peak, peak-before, took.Round(time.Millisecond))
	want := fmt.Sprintf("received: %d\nframing: content-length %d\ncrc32: %08x\n", size, size, body.crc)
	if status != 200 || !strings.Contains(answer, want) {
		t.Fatalf("256 MiB chunked upload: %d %q, want %q\n%s", status, answer, want, p.stderr)
	}
	if peak-before > spoolRSSBound {
		t.Errorf("gw grew by %d KiB for a 256 MiB upload, want under %d KiB", peak-before, spoolRSSBound)
	}
	if len(during) != 1 || len(inDir) != 0 {
		t.Errorf("while spooling: open unlinked files %q, directory holds %q; want one and none", during, inDir)
	}
	if left := dirEntries(temp); len(left) != 0 {
		t.Errorf("after the upload %s holds %q", temp, left)
	}
	if open := openDeletedUnder(pid, temp); len(open) != 0 {
		t.Errorf("after the upload gw still holds %q", open)
	}

	// A spooled body is sent again, from its first byte, when the first
	// peer refuses the connection.
	body = &patternBody{n: 32 << 20}
	status, answer = uploadChunked(t, "http://"+a+"/retry/upload", body)
	want = fmt.Sprintf("server: b1\nreceived: %d\nframing: content-length %d\ncrc32: %08x\n", body.n, body.n, body.crc)
	if status != 200 || !strings.Contains(answer, want) {
		t.Fatalf("retried upload: %d %q, want %q\n%s", status, answer, want, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "connect() failed (111: Connection refused)") {
		t.Errorf("the first peer was not tried:\n%s", p.stderr)
	}
	if left := dirEntries(temp); len(left) != 0 {
		t.Errorf("after the retried upload %s holds %q", temp, left)
	}
	waitFor(t, "the retried upload's file to be closed", func() bool {
		return len(openDeletedUnder(pid, temp)) == 0
	})
}
