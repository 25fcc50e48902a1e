package tests

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"strings"
	"testing"
	"time"
)

// TestUserDropsPrivileges: a root gw with `user nobody GROUP;` binds and
// opens its logs as root, then runs as nobody and goes on serving.
func TestUserDropsPrivileges(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the user directive only acts when gw starts as root; run the tests as root to check it")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no nobody account:", err)
	}
	// nginx takes a missing group to be the user's name, and Debian has
	// no group "nobody": name nobody's own group.
	g, err := user.LookupGroupId(nobody.Gid)
	if err != nil {
		t.Skip(err)
	}
	port := freePort(t)
	p := startGW(t, fmt.Sprintf(`user nobody %s;
events {}
http { server { listen %d; location / { return 200 "hi\n"; } } }
`, g.Name, port), addr(port))
	want := fmt.Sprintf("Uid:\t%s\t%s\t%s\t%s", nobody.Uid, nobody.Uid, nobody.Uid, nobody.Uid)
	var status string
	for deadline := time.Now().Add(startTimeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		if status = string(b); strings.Contains(status, want+"\n") {
			break
		}
	}
	if !strings.Contains(status, want+"\n") {
		t.Fatalf("gw did not become nobody:\n%s\n%s", status, p.stderr)
	}
	if !strings.Contains(status, "Gid:\t"+nobody.Gid+"\t") {
		t.Errorf("gid is not %s:\n%s", nobody.Gid, status)
	}
	resp, err := http.Get("http://" + addr(port) + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hi\n" {
		t.Errorf("after the switch: %d %q", resp.StatusCode, body)
	}
}

// TestUserUnknown: as root, an unknown user fails the configuration test
// with nginx's words.
func TestUserUnknown(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the user directive is looked up only when gw starts as root")
	}
	prefix := writePrefix(t, "user gw-no-such-user;\nevents {}\nhttp { }\n")
	out, code := runGW(t, "-t", "-p", prefix)
	if code == 0 || !strings.Contains(out, `getpwnam("gw-no-such-user") failed`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
