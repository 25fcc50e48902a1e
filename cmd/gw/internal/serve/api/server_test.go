package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/statuspage"
	"github.com/gw-proxy/gw/upstream"
)

// t0 is the fake runtime's clock.
var t0 = time.Unix(1_700_000_000, 0)

// TestPatchServer: what a PATCH accepts, what it refuses (and that a
// refused one changes nothing), the answer, and the audit lines.
func TestPatchServer(t *testing.T) {
	const uri = "/api/v1/upstreams/app/servers/b"
	const ctJSON = "application/json"
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		has                     string // in the answer
		admin                   upstream.Admin
		weight                  int
		audit                   string // the audit lines, "" for none
	}{
		{"drain", ctJSON, `{"state":"drain"}`, 200, `"state": "DRAIN"`, upstream.AdminDrain, 0,
			`api: user "ops" set upstream app server b state drain (was config)`},
		{"maint and a weight", "application/json; charset=utf-8", `{"state":"maint","weight":5}`, 200, `"weight_override": 5`,
			upstream.AdminMaint, 5, `api: user "ops" set upstream app server b state maint (was config)` + "\n" +
				`api: user "ops" set upstream app server b weight 5 (was config)`},
		{"no content type is JSON", "", `{"weight":3}`, 200, `"weight": 3`, upstream.AdminConfig, 3,
			`api: user "ops" set upstream app server b weight 3 (was config)`},
		{"weight 0 clears", ctJSON, `{"weight":0}`, 200, `"weight": 2`, upstream.AdminConfig, 0,
			`api: user "ops" set upstream app server b weight config (was config)`},
		{"null is left alone", ctJSON, `{"state":"ready","weight":null}`, 200, `"admin": "ready"`, upstream.AdminReady, 0,
			`api: user "ops" set upstream app server b state ready (was config)`},
		{"a form", "application/x-www-form-urlencoded", `state=drain`, 415, `Content-Type: application/json`, 0, 0, ""},
		{"no body", ctJSON, ``, 400, `no body`, 0, 0, ""},
		{"nothing to change", ctJSON, `{}`, 400, `nothing to change`, 0, 0, ""},
		{"bad JSON", ctJSON, `{"state":`, 400, `bad JSON`, 0, 0, ""},
		{"two values", ctJSON, `{"weight":1} {"weight":2}`, 400, `more than one value`, 0, 0, ""},
		{"an unknown field", ctJSON, `{"wieght":2}`, 400, `unknown field \"wieght\"`, 0, 0, ""},
		{"a weight as a string", ctJSON, `{"weight":"2"}`, 400, `field \"weight\": string is not a number`, 0, 0, ""},
		{"an unknown state", ctJSON, `{"state":"drained"}`, 400, `unknown server state \"drained\"`, 0, 0, ""},
		{"a negative weight", ctJSON, `{"weight":-1}`, 400, `weight -1: must be 0`, 0, 0, ""},
		{"a good state with a bad weight changes nothing", ctJSON, `{"state":"maint","weight":-1}`, 400, `weight -1`, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, testHTTP)
			a := New(f)
			status, _, body := call(a, "PATCH", uri, tc.contentType, tc.body)
			if status != tc.status || !strings.Contains(body, tc.has) {
				t.Fatalf("%d %s\nwant %d with %s", status, body, tc.status, tc.has)
			}
			st, _ := f.Peer("app", "b")
			if st.Admin() != tc.admin || st.WeightOverride() != tc.weight {
				t.Errorf("state %s weight %d, want %s %d", st.Admin(), st.WeightOverride(), tc.admin, tc.weight)
			}
			if got := auditMessages(t, f.log.String()); got != tc.audit {
				t.Errorf("audit:\n%s\nwant:\n%s", got, tc.audit)
			}
		})
	}
}

// auditMessages returns the messages of the audit lines in log, checking
// each is at notice with the user and the client.
func auditMessages(t *testing.T, log string) string {
	t.Helper()
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var l struct{ Level, Severity, User, Client, Message string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		if l.Level != "info" || l.Severity != "notice" || l.User != "ops" || l.Client != "192.0.2.7" {
			t.Errorf("audit line %s", line)
		}
		msgs = append(msgs, l.Message)
	}
	return strings.Join(msgs, "\n")
}

// TestPatchAnswersNewState: the PATCH answer is the server as GET shows
// it afterwards, the status page's data with the override in force.
func TestPatchAnswersNewState(t *testing.T) {
	a := New(newFake(t, testHTTP))
	_, _, body := call(a, "PATCH", "/api/v1/upstreams/app/servers/10.0.0.1:80%232", "", `{"state":"drain","weight":4}`)
	var s statuspage.Server
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if s.Key != "10.0.0.1:80#2" || s.State != statuspage.Drain || s.Admin != "drain" || s.Weight != 4 || s.ConfigWeight != 1 || s.WeightOverride != 4 {
		t.Errorf("answer %+v", s)
	}
	if _, _, got := call(a, "GET", "/api/v1/upstreams/app/servers/10.0.0.1:80%232", "", ""); got != body {
		t.Errorf("GET after PATCH:\n%s\nPATCH answered:\n%s", got, body)
	}
	// The first server with that address is another server.
	if _, _, first := call(a, "GET", "/api/v1/upstreams/app/servers/10.0.0.1:80", "", ""); !strings.Contains(first, `"admin": "config"`) {
		t.Errorf("the first 10.0.0.1:80 changed too:\n%s", first)
	}
}

// TestPatchWeightHashed: the hash balancers keep the configured weights,
// so a weight is refused there; a state is not, nor clearing a weight.
func TestPatchWeightHashed(t *testing.T) {
	a := New(newFake(t, testHTTP))
	uri := "/api/v1/upstreams/hashed/servers/10.0.0.3:80"
	if status, _, body := call(a, "PATCH", uri, "", `{"weight":3}`); status != 400 || !strings.Contains(body, `balances with hash, which keeps the configured weights`) {
		t.Errorf("weight on hash: %d %s", status, body)
	}
	for _, ok := range []string{`{"weight":0}`, `{"state":"maint"}`} {
		if status, _, body := call(a, "PATCH", uri, "", ok); status != 200 {
			t.Errorf("%s on hash: %d %s", ok, status, body)
		}
	}
}

// TestAuditWithoutUser: a request nobody authenticated is logged as such.
func TestAuditWithoutUser(t *testing.T) {
	f := newFake(t, testHTTP)
	New(f).audit(&request{client: "192.0.2.7"}, "set %s", "x")
	if !strings.Contains(f.log.String(), `"message":"api: unauthenticated client set x"`) {
		t.Errorf("audit line %s", f.log.String())
	}
}
