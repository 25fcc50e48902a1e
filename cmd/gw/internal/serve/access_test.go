package serve

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// lockedBuffer is an error log the test reads while the server writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// take returns what was logged since the last call.
func (l *lockedBuffer) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	l.b.Reset()
	return s
}

// accessConfig protects locations in each way nginx can; %s is the user
// file. alice's password is "wonderland" ($apr1$), bob's "builder"
// (bcrypt), erin's hash is DES crypt, which gw cannot check.
const accessConfig = `
events {}
http {
    auth_basic_user_file %s;
    server {
        listen 127.0.0.1:8080;
        server_name access.test;
        error_page 404 /404;
        location = /404 { return 404 "no such page"; }

        location /open/ { return 200 "open"; }
        location /denied/ { deny 127.0.0.1; allow all; return 200 "denied?"; }
        location /local/ { allow 127.0.0.0/8; deny all; return 200 "local"; }
        location /v6/ { deny ::1; allow all; return 200 "v6"; }
        location /auth/ {
            auth_basic "Closed \"site\"";
            return 200 "welcome $remote_user";
            location /auth/off/ { auth_basic off; return 200 "off"; }
        }
        location /realm/ { auth_basic $arg_realm; return 200 "realm"; }
        location /both/ { deny all; auth_basic "both"; return 200 "both"; }
        location /any-allowed/ { satisfy any; allow 127.0.0.1; deny all; auth_basic "any"; return 200 "any"; }
        location /any-denied/ { satisfy any; deny 127.0.0.1; auth_basic "any"; return 200 "any"; }
        location /any-no-auth/ { satisfy any; deny all; return 200 "any"; }
        location /custom/ {
            auth_basic "custom";
            error_page 401 /login;
            return 200 "custom";
        }
        location = /login { return 401 "please log in"; }
    }
    server {
        listen 127.0.0.1:8080;
        server_name guarded.test;
        deny all;
        return 200 "server-level return";
    }
}
`

const accessUsers = `# users of accessConfig
alice:$apr1$NDW3IHNQ$goTEdW0/EZg6tSTYryV6y/
bob:$2y$04$C810aVaB90npIfS2A3ODd.nD/XAnjOLcM8cJpK7wG2VOTf4AfQfgy
erin:pPKeRYgcNCKGg
`

var (
	loopback4 = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	loopback6 = &net.TCPAddr{IP: net.IPv6loopback, Port: 40000}
	other4    = &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1).To4(), Port: 40000}
)

func basic(user, password string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)) + "\r\n"
}

func TestAccessPhase(t *testing.T) {
	users := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(users, []byte(accessUsers), 0o600); err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	dial := memServerFrom(t, fmt.Sprintf(accessConfig, users), zerolog.New(&log).Level(zerolog.InfoLevel))

	tests := []struct {
		name   string
		from   net.Addr
		host   string
		uri    string
		header string
		status int
		body   string // substring
		auth   string // the WWW-Authenticate header; "" none
		log    string // substring of the error log; "" nothing
	}{
		{"no access control", loopback4, "", "/open/", "", 200, "open", "", ""},
		{"deny before allow all", loopback4, "", "/denied/", "", 403, "<center><h1>403 Forbidden</h1></center>", "",
			`"level":"error","message":"access forbidden by rule, client: 127.0.0.1, server: access.test, request: \"GET /denied/ HTTP/1.1\", host: \"access.test\""`},
		{"the first rule that matches", loopback4, "", "/local/x", "", 200, "local", "", ""},
		{"deny all for the others", other4, "", "/local/x", "", 403, "403 Forbidden", "", "access forbidden by rule, client: 192.0.2.1"},
		{"IPv6 rules", loopback6, "", "/v6/", "", 403, "403", "", "access forbidden by rule, client: ::1"},
		{"IPv6 rules say nothing of IPv4", loopback4, "", "/v6/", "", 200, "v6", "", ""},
		{"not an IP address: all applies", nil, "", "/local/x", "", 403, "403", "", "access forbidden by rule"},

		{"no credentials", loopback4, "", "/auth/", "", 401, "<center><h1>401 Authorization Required</h1></center>",
			`Basic realm="Closed \"site\""`, `"level":"info","message":"no user/password was provided for basic authentication`},
		{"another scheme", loopback4, "", "/auth/", "Authorization: Bearer x\r\n", 401, "401", `Basic realm="Closed \"site\""`,
			"no user/password was provided"},
		{"the right password", loopback4, "", "/auth/", basic("alice", "wonderland"), 200, "welcome alice", "", ""},
		{"bcrypt", loopback4, "", "/auth/", basic("bob", "builder"), 200, "welcome bob", "", ""},
		{"a wrong password", loopback4, "", "/auth/", basic("alice", "Wonderland"), 401, "401", `Basic realm="Closed \"site\""`,
			`"level":"error","message":"user \"alice\": password mismatch, client: 127.0.0.1, server: access.test, request: \"GET /auth/ HTTP/1.1\"`},
		{"an unknown user", loopback4, "", "/auth/", basic("mallory", "x"), 401, "401", `Basic realm="Closed \"site\""`,
			`user \"mallory\" was not found in \"` + users + `\"`},
		{"a hash gw cannot check", loopback4, "", "/auth/", basic("erin", "x"), 500, "500 Internal Server Error", "",
			`user \"erin\": cannot check the password hash of its line in \"` + users + `\"`},
		{"auth_basic off in a nested location", loopback4, "", "/auth/off/", "", 200, "off", "", ""},
		{"a realm with variables", loopback4, "", "/realm/?realm=R$", "", 401, "401", `Basic realm="R$"`, "no user/password"},
		{"a realm that evaluates to off", loopback4, "", "/realm/?realm=off", "", 200, "realm", "", ""},

		{"satisfy all: denied whatever the password", loopback4, "", "/both/", basic("alice", "wonderland"), 403, "403", "",
			"access forbidden by rule"},
		{"satisfy any: an allowed address needs no password", loopback4, "", "/any-allowed/", "", 200, "any", "", ""},
		{"satisfy any: a denied address may log in", loopback4, "", "/any-denied/", basic("alice", "wonderland"), 200, "any", "", ""},
		{"satisfy any: both refuse, 401 wins", loopback4, "", "/any-denied/", basic("alice", "nope"), 401, "401", `Basic realm="any"`,
			"password mismatch"},
		{"satisfy any without auth: the rules' 403", loopback4, "", "/any-no-auth/", "", 403, "403", "", "access forbidden by rule"},

		{"error_page 401 keeps the challenge", loopback4, "", "/custom/", "", 401, "please log in", `Basic realm="custom"`, "no user/password"},
		{"a server-level return is guarded too", loopback4, "guarded.test", "/", "", 403, "403", "", "access forbidden by rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := tt.host
			if host == "" {
				host = "access.test"
			}
			resp := roundTrip(t, dial(tt.from), "GET "+tt.uri+" HTTP/1.1\r\nHost: "+host+"\r\n"+tt.header+"\r\n")
			if resp == nil {
				t.Fatal("no response")
			}
			if resp.StatusCode() != tt.status || !strings.Contains(string(resp.Body()), tt.body) {
				t.Errorf("%d %q, want %d with %q", resp.StatusCode(), resp.Body(), tt.status, tt.body)
			}
			if got := string(resp.Header.Peek("WWW-Authenticate")); got != tt.auth {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.auth)
			}
			logged := log.take()
			if (tt.log == "") != (logged == "") || !strings.Contains(logged, tt.log) {
				t.Errorf("error log:\n%s\nwant %q", logged, tt.log)
			}
			for _, secret := range []string{"wonderland", "Wonderland", "nope", "builder"} {
				if strings.Contains(logged, secret) {
					t.Errorf("the error log carries the password %q:\n%s", secret, logged)
				}
			}
		})
	}
}
