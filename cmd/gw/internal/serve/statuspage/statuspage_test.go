package statuspage

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/upstream"
)

var now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// peer is a healthy primary server at addr.
func peer(addr string) upstream.PeerSnapshot {
	return upstream.PeerSnapshot{Name: addr, Addr: addr, Weight: 1, ConfigWeight: 1, Available: true}
}

// synthetic is a snapshot with one server in every state, and names that
// need escaping.
func synthetic() *Status {
	down := peer("10.0.0.2:80")
	down.Available = false
	down.Health = upstream.Health{Checked: true, Down: true, Fall: 3, Reason: `HTTP 503 <b>"x"</b>`, LastChange: now.Add(-90 * time.Second)}
	failed := peer("10.0.0.3:80")
	failed.Available, failed.Failed = false, true
	drain := peer("10.0.0.4:80")
	drain.Drain = true
	maint := peer("10.0.0.5:80")
	maint.Down, maint.Available, maint.Admin = true, false, upstream.AdminMaint
	// maint wins over a failing check: the operator's decision is what
	// explains why it takes nothing.
	maint.Health = upstream.Health{Checked: true, Down: true}
	backup := peer("10.0.0.6:80")
	backup.Backup = true
	up := peer("10.0.0.1:80")
	up.ID, up.Weight, up.Active, up.MaxConns = "a<1>", 5, 3, 100
	up.Key, up.WeightOverride = "a<1>", 5
	up.Requests, up.Responses, up.BytesSent, up.BytesReceived = 42, [5]uint64{0, 40, 0, 1, 1}, 1536, 3<<20
	up.Latency = upstream.LatencySnapshot{WindowCount: 10, WindowAvg: 2500 * time.Microsecond, WindowP99: 9 * time.Millisecond}
	u := upstream.UpstreamSnapshot{Name: "app<script>", Peers: []upstream.PeerSnapshot{up, down, failed, drain, maint, backup}}
	sids := []string{"0123456789abcdef0123456789abcdef", "s2", "s3", "s4", "s5", "s6"}
	return &Status{
		Version: "1.2.3", Generation: 4, Time: now, StartedAt: now.Add(-time.Hour), UptimeSeconds: 3600,
		Reloads: 3, FailedReloads: 1,
		Listeners: []Listener{{Address: "127.0.0.1:8080", Accepted: 7, Active: 1, Counts: Counts{Requests: 9}}},
		Servers:   []ServerBlock{{Name: `<img src=x onerror=alert(1)>`, Listen: []string{"127.0.0.1:8080"}}},
		Upstreams: []Upstream{UpstreamOf(&u, sids)},
	}
}

func TestStatePrecedence(t *testing.T) {
	st := synthetic()
	var got []State
	for _, s := range st.Upstreams[0].Servers {
		got = append(got, s.State)
	}
	want := []State{Up, Down, Failed, Drain, Maint, Backup}
	if strings.Join(stateStrings(got), ",") != strings.Join(stateStrings(want), ",") {
		t.Errorf("states %v, want %v", got, want)
	}
	// A backup with no primary to stand behind is in use: UP.
	u := upstream.UpstreamSnapshot{Name: "b", Peers: []upstream.PeerSnapshot{peer("1.1.1.1:80"), peer("2.2.2.2:80")}}
	u.Peers[0].Available, u.Peers[0].Failed = false, true
	u.Peers[1].Backup = true
	if s := UpstreamOf(&u, nil).Servers; s[0].State != Failed || s[1].State != Up {
		t.Errorf("failed primary and its backup: %s, %s; want FAILED, UP", s[0].State, s[1].State)
	}
}

func stateStrings(s []State) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return out
}

func TestHTML(t *testing.T) {
	page := string(AppendHTML(nil, synthetic()))
	for _, want := range []string{
		`<tr class="st-up" data-state="UP" data-server="10.0.0.1:80">`,
		`<tr class="st-down" data-state="DOWN" data-server="10.0.0.2:80">`,
		`<tr class="st-failed" data-state="FAILED"`,
		`<tr class="st-drain" data-state="DRAIN"`,
		`<tr class="st-maint" data-state="MAINT"`,
		`<tr class="st-backup" data-state="BACKUP"`,
		`<dd id="version">gw 1.2.3</dd>`,
		`upstream app&lt;script&gt;`,
		`&lt;img src=x onerror=alert(1)&gt;`,
		`>down: HTTP 503 &lt;b&gt;&#34;x&#34;&lt;/b&gt;`,
		`<code>a&lt;1&gt;</code>`,
		`title="0123456789abcdef0123456789abcdef">01234567…`,
		`1.50 KiB`, `3.00 MiB`, `2.50 ms`, `9.00 ms`,
		`3 / 100`,
		`1m 30s ago`,
		`(1 failed)`,
		`2 of 6 serving`,
		`<script>`, // the inline sorting script
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<img", "app<script>", "<b>", "http-equiv", "src=\"http", "href=\"http", "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	if n := strings.Count(page, "<tr class=\"st-"); n != 6 {
		t.Errorf("%d server rows, want 6", n)
	}
}

func TestHTMLRefreshAndTokens(t *testing.T) {
	st := synthetic()
	st.Refresh = 10 * time.Second
	st.Version = "" // server_tokens off
	page := string(AppendHTML(nil, st))
	if !strings.Contains(page, `<meta http-equiv="refresh" content="10">`) {
		t.Error("refresh=10s: no meta refresh of 10 seconds")
	}
	if strings.Contains(page, "1.2.3") || strings.Contains(page, `id="version"`) {
		t.Error("the version shows without server_tokens")
	}
	js := AppendJSON(nil, st)
	if strings.Contains(string(js), `"version"`) {
		t.Errorf("JSON has a version without server_tokens:\n%s", js)
	}
}

func TestJSON(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(AppendJSON(nil, synthetic()), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "generation", "time", "started_at", "uptime_seconds", "reloaded_at",
		"reloads", "failed_reloads", "connections", "requests", "listeners", "server_blocks", "upstreams"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	srv := doc["upstreams"].([]any)[0].(map[string]any)["servers"].([]any)
	first, second := srv[0].(map[string]any), srv[1].(map[string]any)
	if first["state"] != "UP" || first["id"] != "a<1>" || first["bytes_received"] != float64(3<<20) ||
		first["responses"].(map[string]any)["2xx"] != float64(40) || first["response_time"].(map[string]any)["avg_ms"] != 2.5 {
		t.Errorf("first server: %v", first)
	}
	check := second["check"].(map[string]any)
	if second["state"] != "DOWN" || check["down"] != true || check["reason"] != `HTTP 503 <b>"x"</b>` || check["last_check"] != nil {
		t.Errorf("second server: %v", second)
	}
	// Every snake_case name: no Go field name leaks.
	if m := regexp.MustCompile(`"[A-Z][A-Za-z]*":`).Find(AppendJSON(nil, synthetic())); m != nil {
		t.Errorf("JSON field %s is not snake_case", m)
	}
}

func TestCSV(t *testing.T) {
	recs, err := csv.NewReader(strings.NewReader(string(AppendCSV(nil, synthetic())))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 || strings.Join(recs[0], ",") != strings.Join(CSVColumns, ",") {
		t.Fatalf("%d lines, header %v", len(recs), recs[0])
	}
	col := map[string]int{}
	for i, c := range CSVColumns {
		col[c] = i
	}
	row := func(i int, c string) string { return recs[i][col[c]] }
	if row(1, "upstream") != "app<script>" || row(1, "state") != "UP" || row(1, "5xx") != "1" ||
		row(1, "rt_p99_ms") != "9" || row(1, "check") != "" || row(1, "weight") != "5" ||
		row(1, "key") != "a<1>" || row(1, "weight_override") != "5" {
		t.Errorf("first server: %v", recs[1])
	}
	if row(2, "state") != "DOWN" || row(2, "check") != "down" || row(2, "check_reason") != `HTTP 503 <b>"x"</b>` ||
		row(2, "check_last_change") != "2025-03-01T11:58:30Z" {
		t.Errorf("second server: %v", recs[2])
	}
}

func TestHumanUnits(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1.00 KiB", 150 << 10: "150 KiB", 5 << 30: "5.00 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{5 * time.Second: "5s", 3723 * time.Second: "1h 2m", 90000 * time.Second: "1d 1h"} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}

// An upstream with sticky learn shows its zone, and its store's state.
func TestHTMLLearnedSessions(t *testing.T) {
	u := upstream.UpstreamSnapshot{Name: "shop", Peers: []upstream.PeerSnapshot{peer("10.0.0.1:80")},
		Learned: &upstream.LearnedSnapshot{Zone: "sessions", Sessions: 12, Capacity: 4000, Evicted: 3, Expired: 5,
			Store: "redis://gw:xxxxx@10.0.0.5:6379/0", StoreUp: false, StoreDropped: 7, StoreFailures: 2}}
	st := &Status{Time: now, StartedAt: now, Upstreams: []Upstream{UpstreamOf(&u, nil)}}
	page := string(AppendHTML(nil, st))
	for _, want := range []string{
		`data-zone="sessions"`, `12 of 4000, 3 evicted, 5 expired`,
		`<code>redis://gw:xxxxx@10.0.0.5:6379/0</code>`, `data-store-up="false">DOWN</span>, 7 writes dropped, 2 failures`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	var doc struct {
		Upstreams []struct {
			Learned struct {
				Zone  string
				Store struct {
					URL string
					Up  bool
				}
			}
		}
	}
	if err := json.Unmarshal(AppendJSON(nil, st), &doc); err != nil || doc.Upstreams[0].Learned.Store.URL == "" {
		t.Fatalf("JSON: %v %+v", err, doc)
	}
}
