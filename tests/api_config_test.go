package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// apiConfigFile is the configuration the configuration API edits: comments
// and the layout are there to be kept.
const apiConfigFile = `error_log stderr info;
events {}
http {
    access_log off;

    # The application.
    upstream app {
        server %[2]s;   # app1
    }

    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
    }

    server {
        listen %[3]s;
        location /api/ {
            allow 127.0.0.1;
            deny all;
            gw_api;
        }
    }
}
`

// apiSite is a gw whose configuration the API edits: a site on site, the
// API on api.
type apiSite struct {
	*gwProcess
	site, api string
	conf      string // the main configuration file
	app1      string
}

func startAPISite(t *testing.T) *apiSite {
	t.Helper()
	s := &apiSite{site: addr(freePort(t)), api: addr(freePort(t)), app1: startDemo(t, "app1")}
	s.gwProcess = startGW(t, fmt.Sprintf(apiConfigFile, s.site, s.app1, s.api), s.site, s.api)
	s.conf = filepath.Join(s.prefix, "conf", "gw.conf")
	return s
}

// apiAnswer is one answer of the API, its body decoded as far as a test
// needs.
type apiAnswer struct {
	status  int
	header  http.Header
	raw     string
	fields  map[string]any
	version string // the Configuration-Version header
}

// call sends one API request; body "" sends none.
func (s *apiSite) call(t *testing.T, method, uri, body string) apiAnswer {
	t.Helper()
	r := do(t, mustRequest(t, method, "http://"+s.api+uri, body))
	a := apiAnswer{status: r.status, header: r.header, raw: r.body, version: r.header.Get("Configuration-Version")}
	if strings.HasPrefix(strings.TrimSpace(r.body), "{") {
		if err := json.Unmarshal([]byte(r.body), &a.fields); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, uri, err, r.body)
		}
	}
	return a
}

// must is call that fails the test unless the status is want.
func (s *apiSite) must(t *testing.T, want int, method, uri, body string) apiAnswer {
	t.Helper()
	a := s.call(t, method, uri, body)
	if a.status != want {
		t.Fatalf("%s %s %s: %d, want %d:\n%s", method, uri, body, a.status, want, a.raw)
	}
	return a
}

func (s *apiSite) file(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.conf)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (s *apiSite) version(t *testing.T) string {
	t.Helper()
	a := s.must(t, 200, "GET", "/api/v1/configuration/version", "")
	return fmt.Sprint(a.fields["version"])
}

// TestAPITransactionAddsAndServes: a transaction adds an upstream, a
// server to an existing upstream, a server block and a location; nothing
// is written or served before the commit; the commit writes the file
// (comments kept, the old text as gw.conf.bak), raises the version, and
// the new configuration serves at once.
func TestAPITransactionAddsAndServes(t *testing.T) {
	s := startAPISite(t)
	app2, app3 := startDemo(t, "app2"), startDemo(t, "app3")
	shop := addr(freePort(t))
	before := s.file(t)
	if v := s.version(t); v != "1" {
		t.Fatalf("a configuration nobody changed is at version %s, want 1", v)
	}

	tx := s.must(t, 201, "POST", "/api/v1/transactions?version=1", "")
	id, _ := tx.fields["id"].(string)
	if id == "" {
		t.Fatalf("no transaction id: %s", tx.raw)
	}
	in := "?transaction_id=" + id
	s.must(t, 201, "POST", "/api/v1/configuration/upstreams"+in,
		fmt.Sprintf(`{"name":"shop","servers":[{"address":%q}]}`, app2))
	s.must(t, 201, "POST", "/api/v1/configuration/upstreams/app/servers"+in, fmt.Sprintf(`{"address":%q}`, app3))
	blk := s.must(t, 201, "POST", "/api/v1/configuration/servers"+in,
		fmt.Sprintf(`{"listen":[%q],"server_name":["shop.test"]}`, shop))
	idx := fmt.Sprint(blk.fields["index"])
	s.must(t, 201, "POST", "/api/v1/configuration/servers/"+idx+"/locations"+in, `{"match":"/","proxy_pass":"http://shop"}`)

	// The transaction sees its changes; the files and the server do not.
	if got := s.must(t, 200, "GET", "/api/v1/configuration/upstreams/shop"+in, ""); got.fields["name"] != "shop" {
		t.Fatalf("the transaction does not see its own upstream: %s", got.raw)
	}
	s.must(t, 404, "GET", "/api/v1/configuration/upstreams/shop", "")
	if s.file(t) != before || s.version(t) != "1" {
		t.Fatal("the file or the version changed before the commit")
	}

	done := s.must(t, 200, "PUT", "/api/v1/transactions/"+id, "")
	if fmt.Sprint(done.fields["_version"]) != "2" || s.version(t) != "2" {
		t.Fatalf("commit: %s; version now %s, want 2", done.raw, s.version(t))
	}
	s.waitListening(t, shop)
	if r := get(t, shop, "shop.test", "/"); r.status != 200 || backendOf(r) != "app2" {
		t.Fatalf("the new server block answered %d from %q, want app2", r.status, backendOf(r))
	}
	seen := map[string]bool{}
	for i := 0; i < 6; i++ {
		seen[backendOf(get(t, s.site, "", "/"))] = true
	}
	if !seen["app1"] || !seen["app3"] {
		t.Fatalf("upstream app after the commit served %v, want app1 and app3", seen)
	}

	after := s.file(t)
	for _, kept := range []string{"# The application.", "# app1", "location / { proxy_pass http://app; }", "gw_api;"} {
		if !strings.Contains(after, kept) {
			t.Errorf("the rewritten file lost %q:\n%s", kept, after)
		}
	}
	if !strings.HasPrefix(after, before[:strings.Index(before, "    upstream app {")]) {
		t.Errorf("the text before the first change is not kept byte for byte:\n%s", after)
	}
	if bak, err := os.ReadFile(s.conf + ".bak"); err != nil || string(bak) != before {
		t.Errorf("gw.conf.bak is not the previous file (err %v)", err)
	}
	if out, code := runGW(t, "-p", s.prefix, "-t"); code != 0 {
		t.Errorf("gw -t refuses the written file: %s", out)
	}
}

// TestAPIRefusals: a write without a version, or with an old one, is
// refused (400, 409); a change gw -t refuses is answered 422 with the
// position and nothing is written; of two transactions from the same
// version the second to commit gets 406 and only the first is written.
func TestAPIRefusals(t *testing.T) {
	s := startAPISite(t)
	app2 := startDemo(t, "app2")
	before := s.file(t)
	server := fmt.Sprintf(`{"address":%q}`, app2)

	s.must(t, 400, "POST", "/api/v1/configuration/upstreams/app/servers", server)
	if a := s.must(t, 409, "POST", "/api/v1/configuration/upstreams/app/servers?version=7", server); !strings.Contains(a.raw, "version mismatch") {
		t.Errorf("409 without saying why: %s", a.raw)
	}
	if a := s.call(t, "GET", "/api/v1/configuration/upstreams/nosuch", ""); a.status != 404 || a.fields["code"] != float64(404) {
		t.Errorf("unknown upstream: %d %s", a.status, a.raw)
	}

	bad := s.must(t, 201, "POST", "/api/v1/transactions?version=1", "")
	badID := bad.fields["id"].(string)
	s.must(t, 201, "POST", "/api/v1/configuration/upstreams/app/servers?transaction_id="+badID, `{"address":"127.0.0.1:99999"}`)
	refused := s.must(t, 422, "PUT", "/api/v1/transactions/"+badID, "")
	if msg, _ := refused.fields["message"].(string); !regexpMatch(`invalid port.* in \S*gw\.conf:\d+:\d+`, msg) {
		t.Errorf("a refused commit should give gw -t's positioned error, got %s", refused.raw)
	}
	if s.file(t) != before || s.version(t) != "1" {
		t.Fatal("a refused commit changed the file or the version")
	}
	s.must(t, 204, "DELETE", "/api/v1/transactions/"+badID, "")
	s.must(t, 404, "PUT", "/api/v1/transactions/"+badID, "")

	one := s.must(t, 201, "POST", "/api/v1/transactions?version=1", "").fields["id"].(string)
	two := s.must(t, 201, "POST", "/api/v1/transactions?version=1", "").fields["id"].(string)
	s.must(t, 201, "POST", "/api/v1/configuration/upstreams/app/servers?transaction_id="+one, server)
	s.must(t, 201, "POST", "/api/v1/configuration/servers/0/locations?transaction_id="+two, `{"match":"= /two","proxy_pass":"http://app"}`)
	if got := s.must(t, 200, "GET", "/api/v1/configuration/upstreams/app/servers?transaction_id="+two, ""); strings.Contains(got.raw, app2) {
		t.Fatalf("transaction two sees transaction one's server: %s", got.raw)
	}
	s.must(t, 200, "PUT", "/api/v1/transactions/"+one, "")
	s.must(t, 406, "PUT", "/api/v1/transactions/"+two, "")
	after := s.file(t)
	if !strings.Contains(after, app2) || strings.Contains(after, "/two") || s.version(t) != "2" {
		t.Fatalf("after one committed and two refused, version %s and file:\n%s", s.version(t), after)
	}

	// A change with the right version is applied at once.
	a := s.must(t, 201, "POST", "/api/v1/configuration/servers/0/locations?version=2", `{"match":"= /direct","proxy_pass":"http://app"}`)
	if a.version != "3" {
		t.Errorf("Configuration-Version after a direct change: %q, want 3", a.version)
	}
	if r := get(t, s.site, "", "/direct"); r.status != 200 {
		t.Errorf("the directly added location answered %d", r.status)
	}
}

// TestAPIVersionSurvivesRestart: the version and the written file are
// what a restarted gw starts from.
func TestAPIVersionSurvivesRestart(t *testing.T) {
	s := startAPISite(t)
	s.must(t, 201, "POST", "/api/v1/configuration/servers/0/locations?version=1", `{"match":"= /kept","proxy_pass":"http://app"}`)
	stopProcess(s.cmd, s.exited)

	again := startGWPrefix(t, s.prefix, s.site, s.api)
	s.gwProcess = again
	if v := s.version(t); v != "2" {
		t.Fatalf("after a restart the version is %s, want 2", v)
	}
	if r := get(t, s.site, "", "/kept"); r.status != 200 || backendOf(r) != "app1" {
		t.Fatalf("after a restart /kept answered %d from %q", r.status, backendOf(r))
	}
}

// TestAPICommitsUnderLoadDropNothing: commits reload gw the way SIGHUP
// does, without a failed request.
func TestAPICommitsUnderLoadDropNothing(t *testing.T) {
	s := startAPISite(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	stats := runLoad("http://"+s.site+"/", 4, 2, stop, &wg)
	for v := 1; v <= 4; v++ {
		weight := fmt.Sprintf(`{"address":%q,"weight":%d}`, s.app1, v+1)
		s.must(t, 200, "PUT", fmt.Sprintf("/api/v1/configuration/upstreams/app/servers/%s?version=%d", s.app1, v), weight)
	}
	close(stop)
	wg.Wait()
	if stats.failed.Load() != 0 || stats.ok.Load() == 0 {
		t.Fatalf("under commits: %d ok, %d failed: %v", stats.ok.Load(), stats.failed.Load(), stats.errors)
	}
	if !strings.Contains(s.file(t), "weight=5") {
		t.Errorf("the last weight is not in the file:\n%s", s.file(t))
	}
}
