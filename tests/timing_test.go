package tests

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const timingConfig = `
events {}
http {
    log_format timing '$uri $status rt=$request_time ct=$upstream_connect_time ht=$upstream_header_time urt=$upstream_response_time len=$upstream_response_length recv=$upstream_bytes_received sent=$upstream_bytes_sent body=$body_bytes_sent bytes=$bytes_sent';
    log_format tries '$uri|$status|$upstream_addr|$upstream_status|$upstream_connect_time|$upstream_header_time|$upstream_response_time|$upstream_response_length|$upstream_bytes_received|$upstream_bytes_sent';
    upstream app { server %[2]s; }
    upstream flaky { server %[3]s; server %[2]s backup; }
    upstream none { server %[2]s down; }
    upstream dead { server %[3]s; }
    server {
        listen %[1]s;
        access_log logs/timing.log timing;
        location /bytes { proxy_pass http://app; }
        location /ws {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://app;
        }
        location /flaky/ { proxy_pass http://flaky/; }
        location /none/ { access_log logs/tries.log tries; proxy_pass http://none/; }
        location /again/ {
            access_log logs/tries.log tries;
            proxy_pass http://dead/;
            error_page 502 = @again;
        }
        location @again { access_log logs/tries.log tries; proxy_pass http://app; }
    }
}
`

// timingFields splits a "timing" line into its name=value fields.
func timingFields(t *testing.T, line string) map[string]string {
	t.Helper()
	f := map[string]string{}
	for _, kv := range strings.Fields(line) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			f[k] = v
		}
	}
	return f
}

func seconds(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a time in seconds", s)
	}
	return v
}

// As nginx logs them: the times and sizes of a streamed response cover its
// body, a failed try has its elapsed time and no bytes, and an upgraded
// connection's $bytes_sent counts what went through the tunnel.
func TestTimingAndSizeVariables(t *testing.T) {
	b := startDemo(t, "t1")
	a := addr(freePort(t))
	dead := closedPort(t)
	p := startGW(t, fmt.Sprintf(timingConfig, a, b, dead), a)
	logPath := filepath.Join(p.prefix, "logs", "timing.log")

	// Three 64 KiB pieces, 150ms after each: the header comes at once,
	// the body over at least 450ms.
	const n = 3 << 16
	resp, err := client.Get("http://" + a + "/bytes?n=" + strconv.Itoa(n) + "&delay_ms=150")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || got != n {
		t.Fatalf("/bytes: %d, %d bytes", resp.StatusCode, got)
	}
	f := timingFields(t, readLines(t, logPath, 1)[0])
	if urt := seconds(t, f["urt"]); urt < 0.45 {
		t.Errorf("upstream_response_time %s, want the whole body (>= 0.450): %v", f["urt"], f)
	}
	if ht := seconds(t, f["ht"]); ht >= 0.15 {
		t.Errorf("upstream_header_time %s, want the header alone: %v", f["ht"], f)
	}
	if seconds(t, f["rt"]) < seconds(t, f["urt"]) {
		t.Errorf("request_time %s shorter than upstream_response_time %s", f["rt"], f["urt"])
	}
	if f["len"] != strconv.Itoa(n) || f["body"] != strconv.Itoa(n) {
		t.Errorf("upstream_response_length %s, body_bytes_sent %s, want %d", f["len"], f["body"], n)
	}
	recv, _ := strconv.Atoi(f["recv"])
	sent, _ := strconv.Atoi(f["sent"])
	bytes, _ := strconv.Atoi(f["bytes"])
	if recv <= n || sent <= 0 || bytes <= n {
		t.Errorf("upstream_bytes_received %s, upstream_bytes_sent %s, bytes_sent %s: want the headers counted", f["recv"], f["sent"], f["bytes"])
	}

	// The first server refuses the connection; the backup answers.
	if r := get(t, a, "", "/flaky/health"); r.status != 200 {
		t.Fatalf("/flaky/health: %d", r.status)
	}
	line := readLines(t, logPath, 2)[1]
	f = timingFields(t, line)
	for k, want := range map[string]string{`ct=-, `: "ct", `ht=-, `: "ht", `len=0, `: "len", `recv=0, `: "recv", `sent=0, `: "sent"} {
		if !strings.Contains(line, k) {
			t.Errorf("failed try: %s not %q...: %s", want, k, line)
		}
	}
	if !regexpMatch(`urt=\d+\.\d{3}, \d+\.\d{3} `, line) {
		t.Errorf("failed try: upstream_response_time without both times: %s", line)
	}

	// No server may take the request: nginx's "no live upstreams" try is
	// the upstream's, 502, timed from its start, with no connect or
	// header time.
	triesPath := filepath.Join(p.prefix, "logs", "tries.log")
	if r := get(t, a, "", "/none/health"); r.status != 502 {
		t.Fatalf("/none/health: %d", r.status)
	}
	line = readLines(t, triesPath, 1)[0]
	if !regexpMatch(`^/none/health\|502\|none\|502\|-\|-\|\d+\.\d{3}\|0\|0\|0$`, line) {
		t.Errorf("no live upstreams: %s", line)
	}

	// error_page sends the failed proxying to a location that proxies
	// again: both groups of tries, set apart with " : ".
	if r := get(t, a, "", "/again/health"); r.status != 200 {
		t.Fatalf("/again/health: %d", r.status)
	}
	line = readLines(t, triesPath, 2)[1]
	if want := `^/again/health\|200\|` + regexp.QuoteMeta(dead) + ` : ` + regexp.QuoteMeta(b) +
		`\|502 : 200\|- : \d+\.\d{3}\|- : \d+\.\d{3}\|\d+\.\d{3} : \d+\.\d{3}\|0 : \d+\|0 : \d+\|0 : \d+$`; !regexpMatch(want, line) {
		t.Errorf("error_page proxying again: %s", line)
	}

	// An upgraded connection: its line is written when it closes, and its
	// $bytes_sent counts the 101 and the frames that went to the client.
	c, r := wsOpen(t, a)
	msg := strings.Repeat("m", 100)
	writeClientFrame(t, c, msg)
	if echo := readServerFrame(t, r); echo != "t1: "+msg {
		t.Fatalf("echo %q", echo)
	}
	c.Close()
	line = readLines(t, logPath, 3)[2]
	f = timingFields(t, line)
	if !strings.HasPrefix(line, "/ws 101 ") {
		t.Fatalf("WebSocket line %s", line)
	}
	if bytes, _ := strconv.Atoi(f["bytes"]); bytes < 100+len("t1: ")+2 {
		t.Errorf("WebSocket bytes_sent %s, want the 101 and the echoed frame: %s", f["bytes"], line)
	}
}
