package tests

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// gw_status end to end: the real gw's status page over a checked upstream
// with a server in each state, as JSON, CSV and HTML.

// statusConfig has five servers, one per state the page can show once
// b's health check fails: a serving, b to be made DOWN, c draining, d a
// backup standing by, e marked down in the configuration (MAINT, though
// its check fails too: nothing listens there).
const statusConfig = `
error_log stderr warn;
events {}
http {
    access_log off;
    upstream app {
        server %[2]s id=a;
        server %[3]s id=b;
        server %[4]s id=c drain;
        server %[5]s id=d backup;
        server %[6]s id=e down;
        session_sticky cookie=route option=indirect;
        check interval=100 rise=2 fall=2 timeout=500 default_down=false type=http;
        check_http_send "GET /health HTTP/1.0\r\n\r\n";
        check_http_expect_alive http_2xx http_3xx;
    }
    server {
        listen %[1]s;
        location / {
            session_sticky_header upstream=app;
            proxy_pass http://app;
        }
        location = /gw { gw_status refresh=5s; }
        location = /gw-quiet { server_tokens off; gw_status; }
        location = /gw-private {
            auth_basic "gw status";
            auth_basic_user_file %[7]s;
            gw_status;
        }
    }
}
`

// The user of /gw-private, behind auth_basic with a bcrypt user file.
const (
	statusUser     = "admin"
	statusPassword = "s3cret"
)

// statusFleet is a running gw over the five servers of statusConfig.
type statusFleet struct {
	gw                  string
	a, b, c, d, e       string // the servers' addresses
	byID                map[string]string
	sticky, newSessions int
}

// startStatusFleet starts it, sends some traffic (new and returning
// visitors) and fails b's health check, and returns once the page shows
// b DOWN.
func startStatusFleet(t *testing.T) *statusFleet {
	t.Helper()
	f := &statusFleet{gw: addr(freePort(t))}
	f.a, f.b, f.c, f.d = startDemo(t, "a"), startDemo(t, "b"), startDemo(t, "c"), startDemo(t, "d")
	f.e = addr(freePort(t))
	f.byID = map[string]string{"a": f.a, "b": f.b, "c": f.c, "d": f.d, "e": f.e}
	users := filepath.Join(t.TempDir(), "htpasswd")
	hash, err := bcrypt.GenerateFromPassword([]byte(statusPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(users, []byte(statusUser+":"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	startGW(t, fmt.Sprintf(statusConfig, f.gw, f.a, f.b, f.c, f.d, f.e, users), f.gw)
	waitStatus(t, f.gw, f.b, "UP")
	var cookie string
	for i := 0; i < 20; i++ {
		r := get(t, f.gw, "", "/")
		if r.status != 200 {
			t.Fatalf("GET /: %d %s", r.status, r.body)
		}
		for _, c := range r.header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "route=") && cookie == "" {
				cookie = strings.SplitN(c, ";", 2)[0]
			}
		}
	}
	for i := 0; i < 10; i++ {
		req, _ := http.NewRequest("GET", "http://"+f.gw+"/", nil)
		req.Header.Set("Cookie", cookie)
		if r := do(t, req); r.status != 200 {
			t.Fatalf("returning visitor: %d", r.status)
		}
	}
	setHealth(t, f.b, 503)
	waitStatus(t, f.gw, f.b, "DOWN")
	return f
}

// statusDoc is the part of gw_status's JSON the tests read.
type statusDoc struct {
	Version    string `json:"version"`
	Generation int    `json:"generation"`
	Upstreams  []struct {
		Name    string `json:"name"`
		Servers []struct {
			Address   string `json:"address"`
			ID        string `json:"id"`
			SID       string `json:"sid"`
			State     string `json:"state"`
			Requests  int    `json:"requests"`
			Sessions  int    `json:"sessions"`
			Returning int    `json:"returning"`
			Responses struct {
				C2xx int `json:"2xx"`
			} `json:"responses"`
			Check struct {
				Checked bool   `json:"checked"`
				Down    bool   `json:"down"`
				Reason  string `json:"reason"`
			} `json:"check"`
		} `json:"servers"`
	} `json:"upstreams"`
}

func readStatus(t *testing.T, gw, uri string) statusDoc {
	t.Helper()
	r := get(t, gw, "", uri)
	var doc statusDoc
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("%s: %d %v\n%s", uri, r.status, err, r.body)
	}
	return doc
}

// waitStatus polls gw_status's JSON until the server at address has state.
func waitStatus(t *testing.T, gw, address, state string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, u := range readStatus(t, gw, "/gw?format=json").Upstreams {
			for _, s := range u.Servers {
				if s.Address == address && s.State == state {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not %s within 5s:\n%s", address, state, get(t, gw, "", "/gw?format=csv").body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGWStatusPage(t *testing.T) {
	f := startStatusFleet(t)

	doc := readStatus(t, f.gw, "/gw?format=json")
	if doc.Version == "" || doc.Generation != 1 || len(doc.Upstreams) != 1 || len(doc.Upstreams[0].Servers) != 5 {
		t.Fatalf("JSON: %+v", doc)
	}
	want := map[string]string{"a": "UP", "b": "DOWN", "c": "DRAIN", "d": "BACKUP", "e": "MAINT"}
	sessions, returning := 0, 0
	for _, s := range doc.Upstreams[0].Servers {
		if s.State != want[s.ID] || s.Address != f.byID[s.ID] || len(s.SID) != 32 {
			t.Errorf("server %s: %+v, want %s", s.ID, s, want[s.ID])
		}
		sessions += s.Sessions
		returning += s.Returning
		if s.ID == "b" && (!s.Check.Checked || !s.Check.Down || !strings.Contains(s.Check.Reason, "503")) {
			t.Errorf("b's check: %+v", s.Check)
		}
		if s.ID == "a" && (s.Requests == 0 || s.Responses.C2xx == 0) {
			t.Errorf("a served nothing: %+v", s)
		}
	}
	if sessions != 20 || returning != 10 {
		t.Errorf("%d sessions and %d returning visitors, want 20 and 10", sessions, returning)
	}
	if q := readStatus(t, f.gw, "/gw-quiet?format=json"); q.Version != "" {
		t.Errorf("server_tokens off: version %q", q.Version)
	}

	r := get(t, f.gw, "", "/gw?format=csv")
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || r.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("CSV: Content-Type %q, Cache-Control %q", ct, r.header.Get("Cache-Control"))
	}
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(recs) != 6 || recs[0][0] != "upstream" || recs[0][6] != "state" {
		t.Fatalf("CSV (%v):\n%s", err, r.body)
	}
	for _, rec := range recs[1:] {
		if rec[0] != "app" || rec[6] != want[rec[3]] {
			t.Errorf("CSV line %v, want state %s", rec, want[rec[3]])
		}
	}

	r = get(t, f.gw, "", "/gw")
	if ct := r.header.Get("Content-Type"); r.status != 200 || ct != "text/html; charset=utf-8" || r.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("HTML: %d, Content-Type %q, Cache-Control %q", r.status, ct, r.header.Get("Cache-Control"))
	}
	for _, s := range []string{
		`<meta http-equiv="refresh" content="5">`,
		fmt.Sprintf(`data-state="DOWN" data-server="%s"`, f.b),
		fmt.Sprintf(`data-state="UP" data-server="%s"`, f.a),
		`id="version"`,
	} {
		if !strings.Contains(r.body, s) {
			t.Errorf("HTML lacks %q", s)
		}
	}
	if q := get(t, f.gw, "", "/gw-quiet"); strings.Contains(q.body, `id="version"`) || strings.Contains(q.body, "http-equiv") {
		t.Error("/gw-quiet shows the version or refreshes")
	}

	req, _ := http.NewRequest("POST", "http://"+f.gw+"/gw", strings.NewReader("x"))
	if r := do(t, req); r.status != 405 {
		t.Errorf("POST: %d, want 405", r.status)
	}
	req, _ = http.NewRequest("HEAD", "http://"+f.gw+"/gw", nil)
	if r := do(t, req); r.status != 200 || r.body != "" {
		t.Errorf("HEAD: %d, body %q", r.status, r.body)
	}
}
