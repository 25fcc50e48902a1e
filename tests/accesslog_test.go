package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const accessLogConfig = `
events {}
http {
    log_format plain '$remote_addr "$request" $status $body_bytes_sent "$http_x_note"';
    server {
        listen %s;
        access_log logs/json.log;
        location /plain {
            access_log logs/plain.log plain;
            access_log logs/only-errors.log plain if=$arg_log;
            return 200 "plain";
        }
        location / { return 404; }
    }
}
`

// readLines waits until path holds at least n lines and returns them.
func readLines(t *testing.T, path string, n int) []string {
	t.Helper()
	var lines []string
	waitFor(t, fmt.Sprintf("%d lines in %s", n, filepath.Base(path)), func() bool {
		b, _ := os.ReadFile(path)
		lines = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		return len(b) > 0 && len(lines) >= n
	})
	return lines
}

func TestAccessLogFormatsAndReopen(t *testing.T) {
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(accessLogConfig, a), a)
	logs := filepath.Join(p.prefix, "logs")

	get(t, a, "", "/missing?x=1")
	line := readLines(t, filepath.Join(logs, "json.log"), 1)[0]
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil {
		t.Fatalf("default access log line is not JSON: %q: %v", line, err)
	}
	for field, want := range map[string]any{"client": "127.0.0.1", "method": "GET", "uri": "/missing?x=1", "status": float64(404)} {
		if entry[field] != want {
			t.Errorf("JSON field %q = %v, want %v (line %s)", field, entry[field], want, line)
		}
	}
	for _, field := range []string{"time", "bytes", "request_time", "host", "proto"} {
		if _, ok := entry[field]; !ok {
			t.Errorf("JSON line lacks %q: %s", field, line)
		}
	}

	req := mustRequest(t, "GET", "http://"+a+"/plain?log=1", "")
	req.Header.Set("X-Note", `say "hi"`)
	do(t, req)
	got := readLines(t, filepath.Join(logs, "plain.log"), 1)[0]
	want := `127.0.0.1 "GET /plain?log=1 HTTP/1.1" 200 5 "say \x22hi\x22"`
	if got != want {
		t.Fatalf("log_format line:\n got %s\nwant %s", got, want)
	}
	get(t, a, "", "/plain") // $arg_log empty: not in only-errors.log
	get(t, a, "", "/plain?log=0")
	if lines := readLines(t, filepath.Join(logs, "only-errors.log"), 1); len(lines) != 1 {
		t.Fatalf("if= logged %d lines, want 1: %q", len(lines), lines)
	}

	// logrotate: rename, USR1, and new lines go to the new file.
	if err := os.Rename(filepath.Join(logs, "plain.log"), filepath.Join(logs, "plain.log.1")); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "USR1 to reopen plain.log", func() bool {
		_, err := os.Stat(filepath.Join(logs, "plain.log"))
		return err == nil
	})
	get(t, a, "", "/plain?after=rotate")
	if l := readLines(t, filepath.Join(logs, "plain.log"), 1); !strings.Contains(l[0], "after=rotate") {
		t.Fatalf("after USR1 the new file holds %q", l)
	}
	if old := readLines(t, filepath.Join(logs, "plain.log.1"), 1); strings.Contains(strings.Join(old, "\n"), "after=rotate") {
		t.Fatal("a line written after USR1 went to the rotated file")
	}
}
