package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const errorLogConfig = `
error_log logs/%[3]s warn;
events {}
http {
    server {
        listen %[1]s;
        location / { proxy_pass http://%[2]s; }
    }
}
`

// TestErrorLogFromTheFirstRequest: the proxy's lines go to the configured
// error_log at its level from the first request, and to the new file after
// a reload that changes it; lines below the level go nowhere.
func TestErrorLogFromTheFirstRequest(t *testing.T) {
	dead := closedPort(t)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(errorLogConfig, a, dead, "first.log"), a)
	logs := filepath.Join(p.prefix, "logs")
	if r := get(t, a, "", "/"); r.status != 502 {
		t.Fatalf("status %d, want 502", r.status)
	}
	waitFor(t, "the connect() error in first.log", func() bool {
		b, _ := os.ReadFile(filepath.Join(logs, "first.log"))
		return strings.Contains(string(b), "connect() failed (111: Connection refused)")
	})
	if strings.Contains(p.stderr.String(), "connect() failed") {
		t.Errorf("the upstream error also went to stderr:\n%s", p.stderr)
	}

	conf := filepath.Join(p.prefix, "conf", "gw.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(errorLogConfig, a, dead, "second.log")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscallHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload to open second.log", func() bool {
		_, err := os.Stat(filepath.Join(logs, "second.log"))
		return err == nil
	})
	before, _ := os.ReadFile(filepath.Join(logs, "first.log"))
	if r := get(t, a, "", "/after-reload"); r.status != 502 {
		t.Fatalf("status %d, want 502", r.status)
	}
	waitFor(t, "the connect() error in second.log", func() bool {
		b, _ := os.ReadFile(filepath.Join(logs, "second.log"))
		return strings.Contains(string(b), "/after-reload")
	})
	if after, _ := os.ReadFile(filepath.Join(logs, "first.log")); strings.Contains(string(after[len(before):]), "/after-reload") {
		t.Error("a line after the reload went to the old error_log")
	}
	// Below warn: the info lines of the reload are not written.
	if b, _ := os.ReadFile(filepath.Join(logs, "second.log")); strings.Contains(string(b), `"level":"info"`) {
		t.Errorf("error_log ... warn wrote info lines:\n%s", b)
	}
}

// TestStartupErrorReachesTheEarlyLog: gw -e FILE with a broken
// configuration writes the [emerg] line to FILE as well as to stderr.
func TestStartupErrorReachesTheEarlyLog(t *testing.T) {
	prefix := writePrefix(t, "events {}\nhttp { server { listen 127.0.0.1:1; locaton / {} } }\n")
	early := filepath.Join(prefix, "early.log")
	cmd := exec.Command(gwBin, "-p", prefix, "-e", early)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `gw: [emerg] unknown directive "locaton"`) {
		t.Fatalf("gw with a broken configuration: %v %q", err, out)
	}
	b, _ := os.ReadFile(early)
	if !strings.Contains(string(b), `unknown directive \"locaton\"`) || !strings.Contains(string(b), `"severity":"emerg"`) {
		t.Fatalf("-e file holds %q, want the emerg line", b)
	}
}
