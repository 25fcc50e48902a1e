package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The runtime API (gw_api) end to end: servers drained, put in
// maintenance, made ready and reweighted while sticky visitors and new
// ones come, with no reload; overrides kept across a reload; access
// control; JSON errors.

// apiRuntimeConfig: %[1]s gw's proxy address, %[2]s the API's, %[3]s the
// address of an API location only 127.0.0.2 may use, %[4]s..%[6]s three
// backends, %[7]s the user file (ops's password is "secret"). app keeps the default fallback=on, strict has fallback=off.
const apiRuntimeConfig = `
error_log stderr notice;
events {}
http {
    upstream app {
        server %[4]s id=b1;
        server %[5]s id=b2;
        server %[6]s id=b3;
        session_sticky cookie=route;
    }
    upstream strict {
        server %[4]s id=b1;
        server %[5]s id=b2;
        session_sticky cookie=strict fallback=off;
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location /strict/ { proxy_pass http://strict/; }
    }
    server {
        listen %[2]s;
        location /api/ {
            gw_api;
            auth_basic "gw api";
            auth_basic_user_file %[7]s;
        }
    }
    server {
        listen %[3]s;
        location /api/ {
            allow 127.0.0.2;
            deny all;
            gw_api;
        }
    }
}
`

// apiFleet is a gw with the runtime API in front of b1, b2, b3.
type apiFleet struct {
	gw, api, denied string
	backends        map[string]string // name -> address
	p               *gwProcess
}

func startAPIFleet(t *testing.T) *apiFleet {
	t.Helper()
	f := &apiFleet{backends: map[string]string{}}
	for _, n := range []string{"b1", "b2", "b3"} {
		f.backends[n] = startDemo(t, n)
	}
	f.gw, f.api, f.denied = addr(freePort(t)), addr(freePort(t)), addr(freePort(t))
	users := filepath.Join(t.TempDir(), "users")
	writeUsers(t, users, "ops:{PLAIN}secret")
	f.p = startGW(t, fmt.Sprintf(apiRuntimeConfig, f.gw, f.api, f.denied, f.backends["b1"], f.backends["b2"], f.backends["b3"], users),
		f.gw, f.api, f.denied)
	return f
}

// apiCall sends method uri to the API as ops with a JSON body ("" none)
// and decodes the answer into out (nil: not decoded).
func (f *apiFleet) apiCall(t *testing.T, method, uri, body string, out any) response {
	t.Helper()
	req := mustRequest(t, method, "http://"+f.api+uri, body)
	req.SetBasicAuth("ops", "secret")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	r := do(t, req)
	if out != nil {
		if err := json.Unmarshal([]byte(r.body), out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, uri, r.status, r.body, err)
		}
	}
	return r
}

// apiServer is what the tests read of a server in the API's answers.
type apiServer struct {
	Key            string `json:"key"`
	State          string `json:"state"`
	Admin          string `json:"admin"`
	Weight         int    `json:"weight"`
	ConfigWeight   int    `json:"config_weight"`
	WeightOverride int    `json:"weight_override"`
	Requests       uint64 `json:"requests"`
}

// patch changes server key of upstream up and checks the answer's state.
func (f *apiFleet) patch(t *testing.T, up, key, body, wantState string) apiServer {
	t.Helper()
	var s apiServer
	r := f.apiCall(t, "PATCH", "/api/v1/upstreams/"+up+"/servers/"+key, body, &s)
	if r.status != 200 || s.Key != key || s.State != wantState {
		t.Fatalf("PATCH %s/%s %s: %d %s, want state %s", up, key, body, r.status, r.body, wantState)
	}
	return s
}

// visit is one request of a visitor holding cookie ("" for a new
// visitor); it returns who answered and the cookie the visitor holds
// afterwards.
func (f *apiFleet) visit(t *testing.T, path, name, cookie string) (status int, backend, holds string) {
	t.Helper()
	c := ""
	if cookie != "" {
		c = name + "=" + cookie
	}
	r := stickyReq(t, "GET", "http://"+f.gw+path, c)
	holds = cookie
	if v, _, ok := setCookieOf(r, name); ok {
		holds = v
	}
	return r.status, backendOf(r), holds
}

// newVisitors sends n requests without a cookie and counts who answered.
func (f *apiFleet) newVisitors(t *testing.T, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := 0; i < n; i++ {
		_, b, _ := f.visit(t, "/", "route", "")
		got[b]++
	}
	return got
}

// stickyLoad is sticky visitors, one per backend, coming back every few
// milliseconds while the API changes the servers; every answer must be a
// 200.
type stickyLoad struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	bad  []string
	hits int
}

func (f *apiFleet) startStickyLoad(t *testing.T) *stickyLoad {
	l := &stickyLoad{stop: make(chan struct{})}
	for _, b := range []string{"b1", "b2", "b3"} {
		cookie := sid(f.backends[b])
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				req, _ := http.NewRequest("GET", "http://"+f.gw+"/", nil)
				req.Header.Set("Cookie", "route="+cookie)
				resp, err := client.Do(req)
				l.mu.Lock()
				l.hits++
				switch {
				case err != nil:
					l.bad = append(l.bad, err.Error())
				case resp.StatusCode != 200:
					l.bad = append(l.bad, resp.Status)
				}
				l.mu.Unlock()
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	return l
}

func (l *stickyLoad) end(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	if len(l.bad) > 0 || l.hits == 0 {
		t.Errorf("sticky visitors under the changes: %d requests, failures %q", l.hits, l.bad)
	}
}

// TestAPIRuntimeDrainMaintReady: drain keeps the drained server's sticky
// visitors and sends new ones elsewhere; maint moves them (fallback=on)
// or refuses them with 502 (fallback=off); ready restores; all of it with
// no reload, audited, while sticky visitors keep coming.
func TestAPIRuntimeDrainMaintReady(t *testing.T) {
	t.Parallel()
	f := startAPIFleet(t)
	b1 := f.backends["b1"]
	load := f.startStickyLoad(t)

	f.patch(t, "app", "b1", `{"state":"drain"}`, "DRAIN")
	for i := 0; i < 3; i++ {
		if _, b, _ := f.visit(t, "/", "route", sid(b1)); b != "b1" {
			t.Fatalf("a sticky visitor of drained b1 went to %s", b)
		}
	}
	if got := f.newVisitors(t, 12); got["b1"] != 0 || got["b2"] == 0 || got["b3"] == 0 {
		t.Errorf("new visitors with b1 draining: %v, want b2 and b3 only", got)
	}

	f.patch(t, "app", "b1", `{"state":"maint"}`, "MAINT")
	_, b, holds := f.visit(t, "/", "route", sid(b1))
	if b == "b1" || holds != sid(f.backends[b]) {
		t.Errorf("b1's sticky visitor under maint: served by %s, cookie now %s", b, holds)
	}
	if _, b2, _ := f.visit(t, "/", "route", holds); b2 != b {
		t.Errorf("the moved visitor did not stay on %s: %s", b, b2)
	}
	f.patch(t, "strict", "b1", `{"state":"maint"}`, "MAINT")
	if status, _, _ := f.visit(t, "/strict/", "strict", sid(b1)); status != 502 {
		t.Errorf("fallback=off visitor of a server in maint: %d, want 502", status)
	}

	f.patch(t, "app", "b1", `{"state":"ready"}`, "UP")
	f.patch(t, "strict", "b1", `{"state":"config"}`, "UP")
	if _, b, _ := f.visit(t, "/", "route", sid(b1)); b != "b1" {
		t.Errorf("a sticky visitor of b1 once ready: %s", b)
	}
	if status, b, _ := f.visit(t, "/strict/", "strict", sid(b1)); status != 200 || b != "b1" {
		t.Errorf("fallback=off visitor once b1 follows the configuration: %d from %s", status, b)
	}
	if got := f.newVisitors(t, 6); got["b1"] == 0 {
		t.Errorf("new visitors once b1 is ready: %v", got)
	}
	load.end(t)

	for _, want := range []string{
		`api: user "ops" set upstream app server b1 state drain (was config)`,
		`api: user "ops" set upstream app server b1 state maint (was drain)`,
		`api: user "ops" set upstream app server b1 state ready (was maint)`,
	} {
		if !errorLogHas(f.p, want) {
			t.Errorf("no audit line %q in\n%s", want, f.p.stderr)
		}
	}
	if strings.Contains(f.p.stderr.String(), "reloading configuration") {
		t.Error("the API reloaded gw")
	}
}

// TestAPIRuntimeWeightSurvivesReload: a weight changes the share of new
// visitors at once (smooth round robin over 1:4:1 gives b2 4 of every
// 6); the override survives a reload that keeps the server, and the
// snapshot says so.
func TestAPIRuntimeWeightSurvivesReload(t *testing.T) {
	t.Parallel()
	f := startAPIFleet(t)
	s := f.patch(t, "app", "b2", `{"weight":4}`, "UP")
	if s.Weight != 4 || s.ConfigWeight != 1 || s.WeightOverride != 4 {
		t.Fatalf("b2 after the weight: %+v", s)
	}
	if got := f.newVisitors(t, 60); got["b2"] != 40 || got["b1"] != 10 || got["b3"] != 10 {
		t.Errorf("60 new visitors at 1:4:1: %v, want b1 10, b2 40, b3 10", got)
	}
	f.patch(t, "app", "b3", `{"state":"drain"}`, "DRAIN")

	if out, code := runGW(t, "-p", f.p.prefix, "-s", "reload"); code != 0 {
		t.Fatalf("gw -s reload: %d %s", code, out)
	}
	if !errorLogHas(f.p, "configuration reloaded") {
		t.Fatalf("no reload:\n%s", f.p.stderr)
	}
	var servers []apiServer
	f.apiCall(t, "GET", "/api/v1/upstreams/app/servers", "", &servers)
	if len(servers) != 3 || servers[1].WeightOverride != 4 || servers[1].Weight != 4 ||
		servers[2].Admin != "drain" || servers[2].State != "DRAIN" {
		t.Errorf("after the reload: %+v", servers)
	}
	if got := f.newVisitors(t, 10); got["b3"] != 0 || got["b2"] != 8 {
		t.Errorf("10 new visitors after the reload, b3 draining, 1:4: %v, want b2 8, b1 2", got)
	}

	f.patch(t, "app", "b2", `{"weight":0}`, "UP")
	if !errorLogHas(f.p, `api: user "ops" set upstream app server b2 weight config (was 4)`) {
		t.Errorf("no audit line for clearing the weight:\n%s", f.p.stderr)
	}
}

// TestAPIAccessAndErrors: the API's access control and its JSON errors;
// gw -t warns about a gw_api location nothing guards.
func TestAPIAccessAndErrors(t *testing.T) {
	t.Parallel()
	f := startAPIFleet(t)
	jsonError := func(r response, status int, has string) {
		t.Helper()
		var e struct {
			Code    int
			Message string
		}
		if r.status != status || json.Unmarshal([]byte(r.body), &e) != nil || e.Code != status ||
			!strings.Contains(e.Message, has) || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%d %s %q, want %d with %q", r.status, r.header.Get("Content-Type"), r.body, status, has)
		}
	}
	r := getAs(t, f.api, "/api/v1/upstreams", "", "")
	jsonError(r, 401, "Authorization Required")
	if r.header.Get("WWW-Authenticate") != `Basic realm="gw api"` {
		t.Errorf("401 without a challenge: %v", r.header)
	}
	jsonError(getAs(t, f.api, "/api/v1/upstreams", "ops", "wrong"), 401, "Authorization Required")
	jsonError(get(t, f.denied, "", "/api/v1/upstreams"), 403, "Forbidden")

	jsonError(f.apiCall(t, "GET", "/api/v1/upstreams/nope/servers", "", nil), 404, `no upstream "nope"`)
	jsonError(f.apiCall(t, "GET", "/api/v1/upstreams/app/servers/b9", "", nil), 404, `no server "b9" in upstream "app"`)
	jsonError(f.apiCall(t, "GET", "/api/other", "", nil), 404, "/api/v1/")
	r = f.apiCall(t, "DELETE", "/api/v1/upstreams/app/servers/b1", "", nil)
	jsonError(r, 405, "DELETE")
	if r.header.Get("Allow") != "GET, HEAD, PATCH" {
		t.Errorf("405 Allow %q", r.header.Get("Allow"))
	}
	jsonError(f.apiCall(t, "PATCH", "/api/v1/upstreams/app/servers/b1", `{"state":"off"}`, nil), 400, `unknown server state "off"`)
	jsonError(f.apiCall(t, "PATCH", "/api/v1/upstreams/app/servers/b1", `{"state":`, nil), 400, "bad JSON")

	var ups []struct {
		Name    string
		Servers []apiServer
	}
	if f.apiCall(t, "GET", "/api/v1/upstreams", "", &ups); len(ups) != 2 || ups[0].Name != "app" || len(ups[0].Servers) != 3 ||
		ups[0].Servers[0].Key != "b1" || ups[0].Servers[0].State != "UP" {
		t.Errorf("GET /api/v1/upstreams: %+v", ups)
	}

	open := writePrefix(t, "events {}\nhttp {\n    server {\n        listen 127.0.0.1:1;\n        location /api/ { gw_api; }\n    }\n}\n")
	out, code := runGW(t, "-p", open, "-t")
	if code != 0 || !strings.Contains(out, `gw: [warn] gw_api in location "/api/" is reachable without access control`) ||
		!strings.Contains(out, "gw.conf:5:26") {
		t.Errorf("gw -t of an open gw_api: %d\n%s", code, out)
	}
}
