package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const lifecycleConfig = `
pid logs/gw.pid;
error_log stderr info;
worker_processes 1;
events {}
http {
    server {
        listen %s;
        location / { return 200 "%s"; }
    }
}
`

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPidFileAndStopSignal(t *testing.T) {
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(lifecycleConfig, a, "one"), a)
	pidFile := filepath.Join(p.prefix, "logs", "gw.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	if got := strings.TrimSpace(string(b)); got != strconv.Itoa(p.cmd.Process.Pid) {
		t.Fatalf("pid file holds %q, gw's pid is %d", got, p.cmd.Process.Pid)
	}
	if out, code := runGW(t, "-p", p.prefix, "-s", "stop"); code != 0 {
		t.Fatalf("gw -s stop: exit %d: %s", code, out)
	}
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("gw did not stop after -s stop")
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("pid file still there after stop: %v", err)
	}
}

func TestReloadAppliesNewConfigurationAndKeepsOldOnError(t *testing.T) {
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(lifecycleConfig, a, "one"), a)
	if r := get(t, a, "", "/"); r.body != "one" {
		t.Fatalf("before reload: %q", r.body)
	}
	conf := filepath.Join(p.prefix, "conf", "gw.conf")

	if err := os.WriteFile(conf, []byte(fmt.Sprintf(lifecycleConfig, a, "two")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := runGW(t, "-p", p.prefix, "-s", "reload"); code != 0 {
		t.Fatalf("gw -s reload: exit %d: %s", code, out)
	}
	waitFor(t, "the reloaded configuration to answer", func() bool { return get(t, a, "", "/").body == "two" })

	broken := strings.Replace(fmt.Sprintf(lifecycleConfig, a, "three"), "location /", "locaton /", 1)
	if err := os.WriteFile(conf, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runGW(t, "-p", p.prefix, "-s", "reload")
	if code != 1 || !strings.Contains(out, `unknown directive "locaton" in `+conf+":9:9") {
		t.Fatalf("gw -s reload with a broken file: exit %d, output %q", code, out)
	}
	// A HUP sent directly (bypassing -s's check) must not disturb the
	// running configuration either; the error is logged with its position.
	if err := p.cmd.Process.Signal(syscallHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failed reload to be logged", func() bool {
		return strings.Contains(p.stderr.String(), `unknown directive \"locaton\"`)
	})
	if r := get(t, a, "", "/"); r.status != 200 || r.body != "two" {
		t.Fatalf("after a failed reload: %d %q, want the old configuration's answer", r.status, r.body)
	}
}
