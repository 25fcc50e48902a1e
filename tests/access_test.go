package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// accessConfig puts nginx's access control in front of a backend: %[1]s is
// gw's address, %[2]s the backend's, %[3]s the user file.
const accessConfig = `
error_log logs/error.log info;
events {}
http {
    log_format users '$remote_user $status';
    access_log logs/users.log users;
    auth_basic_user_file %[3]s;
    server {
        listen %[1]s;

        location /private/ {
            auth_basic "Staff only";
            proxy_pass http://%[2]s;

            location /private/public/ {
                auth_basic off;
                proxy_pass http://%[2]s;
            }
        }
        location /blocked/ {
            deny 127.0.0.1;
            allow all;
            proxy_pass http://%[2]s;
        }
        location /loopback/ {
            allow 127.0.0.0/8;
            deny all;
            proxy_pass http://%[2]s;
        }
        location /office/ {
            satisfy any;
            allow 192.0.2.0/24;
            deny all;
            auth_basic "Office or password";
            proxy_pass http://%[2]s;
        }
        location /office-here/ {
            satisfy any;
            allow 127.0.0.1;
            deny all;
            auth_basic "Office or password";
            proxy_pass http://%[2]s;
        }
    }
}
`

// writeUsers writes an htpasswd file of the given lines.
func writeUsers(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// getAs sends a GET with Basic credentials ("" user: none).
func getAs(t *testing.T, gw, uri, user, password string) response {
	t.Helper()
	req := mustRequest(t, "GET", "http://"+gw+uri, "")
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	return do(t, req)
}

// alice's password is "wonderland" (htpasswd -nbm), bob's "builder"
// (htpasswd -nbB -C 4).
var accessUsers = []string{
	"# staff",
	"alice:$apr1$NDW3IHNQ$goTEdW0/EZg6tSTYryV6y/",
	"bob:$2y$04$C810aVaB90npIfS2A3ODd.nD/XAnjOLcM8cJpK7wG2VOTf4AfQfgy",
}

// TestBasicAuth: 401 with the realm's challenge and nginx's page, the
// backend reached with the right password only, nginx's log lines without
// the password, $remote_user, and auth_basic off in a nested location.
func TestBasicAuth(t *testing.T) {
	backend := startDemo(t, "app")
	users := filepath.Join(t.TempDir(), "htpasswd")
	writeUsers(t, users, accessUsers...)
	gw := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(accessConfig, gw, backend, users), gw)

	r := getAs(t, gw, "/private/", "", "")
	if r.status != 401 || r.header.Get("WWW-Authenticate") != `Basic realm="Staff only"` ||
		!strings.Contains(r.body, "<center><h1>401 Authorization Required</h1></center>") || backendOf(r) != "" {
		t.Errorf("without credentials: %d %q %q", r.status, r.header.Get("WWW-Authenticate"), r.body)
	}
	for _, u := range [][2]string{{"alice", "wonderland"}, {"bob", "builder"}} {
		if r := getAs(t, gw, "/private/x", u[0], u[1]); r.status != 200 || backendOf(r) != "app" {
			t.Errorf("%s with the right password: %d from %q", u[0], r.status, backendOf(r))
		}
	}
	if r := getAs(t, gw, "/private/x", "alice", "not-her-password"); r.status != 401 || backendOf(r) != "" {
		t.Errorf("a wrong password: %d from %q", r.status, backendOf(r))
	}
	if r := getAs(t, gw, "/private/x", "mallory", "whatever"); r.status != 401 {
		t.Errorf("an unknown user: %d", r.status)
	}
	if r := getAs(t, gw, "/private/public/x", "", ""); r.status != 200 || backendOf(r) != "app" {
		t.Errorf("auth_basic off in a nested location: %d", r.status)
	}

	errorLog := filepath.Join(p.prefix, "logs", "error.log")
	var text string
	waitFor(t, "the password mismatch in the error log", func() bool {
		b, _ := os.ReadFile(errorLog)
		text = string(b)
		return strings.Contains(text, `was not found`)
	})
	for _, want := range [][2]string{
		{"info", `"message":"no user/password was provided for basic authentication, client: 127.0.0.1`},
		{"error", `"message":"user \"alice\": password mismatch, client: 127.0.0.1, server: , request: \"GET /private/x HTTP/1.1\", host: \"` + gw + `\""`},
		{"error", `"message":"user \"mallory\" was not found in \"` + users + `\"`},
	} {
		if !hasLogLine(text, want[0], want[1]) {
			t.Errorf("the error log lacks %s at %s:\n%s", want[1], want[0], text)
		}
	}
	for _, secret := range []string{"not-her-password", "whatever", "wonderland", "builder"} {
		if strings.Contains(text, secret) {
			t.Errorf("the error log carries a password (%q):\n%s", secret, text)
		}
	}
	lines := readLines(t, filepath.Join(p.prefix, "logs", "users.log"), 6)
	if want := []string{"- 401", "alice 200", "bob 200", "alice 401", "mallory 401", "- 200"}; strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("$remote_user $status: %q, want %q", lines, want)
	}
}

// TestAllowDeny: the rules in the order written, 403 with nginx's line.
func TestAllowDeny(t *testing.T) {
	backend := startDemo(t, "app")
	users := filepath.Join(t.TempDir(), "htpasswd")
	writeUsers(t, users, accessUsers...)
	gw := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(accessConfig, gw, backend, users), gw)

	if r := get(t, gw, "", "/blocked/x"); r.status != 403 || !strings.Contains(r.body, "403 Forbidden") || backendOf(r) != "" {
		t.Errorf("deny 127.0.0.1 before allow all: %d %q", r.status, r.body)
	}
	if r := get(t, gw, "", "/loopback/x"); r.status != 200 || backendOf(r) != "app" {
		t.Errorf("allow 127.0.0.0/8 before deny all: %d", r.status)
	}
	waitFor(t, "access forbidden by rule in the error log", func() bool {
		b, _ := os.ReadFile(filepath.Join(p.prefix, "logs", "error.log"))
		return hasLogLine(string(b), "error", `"message":"access forbidden by rule, client: 127.0.0.1, server: , request: \"GET /blocked/x HTTP/1.1\"`)
	})
}

// hasLogLine reports whether a line of the error log text is at level and
// holds want.
func hasLogLine(text, level, want string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, `"level":"`+level+`"`) && strings.Contains(line, want) {
			return true
		}
	}
	return false
}

// TestSatisfyAny: an allowed address needs no password, any other one may
// log in, and one that does neither gets authentication's 401.
func TestSatisfyAny(t *testing.T) {
	backend := startDemo(t, "app")
	users := filepath.Join(t.TempDir(), "htpasswd")
	writeUsers(t, users, accessUsers...)
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(accessConfig, gw, backend, users), gw)

	if r := getAs(t, gw, "/office-here/x", "", ""); r.status != 200 || r.header.Get("WWW-Authenticate") != "" {
		t.Errorf("an allowed address: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r := getAs(t, gw, "/office/x", "alice", "wonderland"); r.status != 200 || backendOf(r) != "app" {
		t.Errorf("a denied address with the password: %d", r.status)
	}
	r := getAs(t, gw, "/office/x", "", "")
	if r.status != 401 || r.header.Get("WWW-Authenticate") != `Basic realm="Office or password"` {
		t.Errorf("a denied address without the password: %d %q, want 401 and the challenge", r.status, r.header.Get("WWW-Authenticate"))
	}
}

// TestReloadRereadsUserFile: the user file is read with the configuration,
// so a reload takes a changed password.
func TestReloadRereadsUserFile(t *testing.T) {
	backend := startDemo(t, "app")
	users := filepath.Join(t.TempDir(), "htpasswd")
	writeUsers(t, users, "alice:{PLAIN}first")
	gw := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(accessConfig, gw, backend, users), gw)

	if r := getAs(t, gw, "/private/x", "alice", "first"); r.status != 200 {
		t.Fatalf("the first password: %d", r.status)
	}
	writeUsers(t, users, "alice:{SHA}NS94KaI4SwAcwSsMJhPHVkVKH2o=") // base64 of the SHA-1 of "second"
	if r := getAs(t, gw, "/private/x", "alice", "second"); r.status != 401 {
		t.Fatalf("the new password before the reload: %d, want 401", r.status)
	}
	if err := p.cmd.Process.Signal(syscallHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload to take the new password", func() bool {
		return getAs(t, gw, "/private/x", "alice", "second").status == 200
	})
	if r := getAs(t, gw, "/private/x", "alice", "first"); r.status != 401 {
		t.Errorf("the old password after the reload: %d, want 401", r.status)
	}
}

// TestMissingUserFileFailsTest: gw -t reports the file at the directive.
func TestMissingUserFileFailsTest(t *testing.T) {
	prefix := writePrefix(t, "events {}\nhttp {\n    auth_basic x;\n    auth_basic_user_file conf/htpasswd;\n}\n")
	out, code := runGW(t, "-p", prefix, "-t")
	want := `gw: [emerg] open() "` + prefix + `/conf/htpasswd" failed (2: No such file or directory) in ` + prefix + "/conf/gw.conf:4:26"
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("gw -t with a missing user file: exit %d\n%s\nwant %s", code, out, want)
	}
	writeUsers(t, filepath.Join(prefix, "conf", "htpasswd"), "u:{PLAIN}p", "v:pPKeRYgcNCKGg")
	out, code = runGW(t, "-p", prefix, "-t")
	if code != 0 || !strings.Contains(out, `gw: [warn] user "v" has a password hash gw cannot check (DES crypt or no scheme)`) {
		t.Errorf("gw -t with a DES hash: exit %d\n%s", code, out)
	}
}
