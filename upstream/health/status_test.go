package health

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf/check"
	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/upstream"
)

var statusRows = []StatusRow{
	{Index: 0, Upstream: "backend", Name: "106.187.48.116:80", Rise: 46, Type: check.HTTP, Port: 80},
	{Index: 1, Upstream: "backend", Name: "10.0.0.2:80", Down: true, Fall: 3, Type: check.HTTP, Port: 80, PassiveFails: 2},
}

// The CSV is Tengine's line for line: eight fields.
func TestStatusCSV(t *testing.T) {
	got := string(AppendStatus(nil, check.CSV, 3, statusRows))
	want := "0,backend,106.187.48.116:80,up,46,0,http,80\n1,backend,10.0.0.2:80,down,0,3,http,80\n"
	if got != want {
		t.Errorf("csv:\n%s\nwant:\n%s", got, want)
	}
}

// The JSON has Tengine's layout and keys (and gw's passive_fails), and is
// valid JSON.
func TestStatusJSON(t *testing.T) {
	got := AppendStatus(nil, check.JSON, 3, statusRows)
	var doc struct {
		Servers struct {
			Total, Generation int
			Server            []map[string]any
		}
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, got)
	}
	if doc.Servers.Total != 2 || doc.Servers.Generation != 3 || len(doc.Servers.Server) != 2 {
		t.Fatalf("doc %+v", doc)
	}
	first := `    {"index": 0, "upstream": "backend", "name": "106.187.48.116:80", "status": "up", "rise": 46, "fall": 0, "type": "http", "port": 80, "passive_fails": 0},`
	if !strings.HasPrefix(string(got), "{\"servers\": {\n  \"total\": 2,\n  \"generation\": 3,\n  \"server\": [\n"+first+"\n") {
		t.Errorf("json:\n%s", got)
	}
	if s := doc.Servers.Server[1]; s["status"] != "down" || s["fall"] != float64(3) || s["passive_fails"] != float64(2) {
		t.Errorf("second server %v", s)
	}
}

func TestStatusHTML(t *testing.T) {
	got := string(AppendStatus(nil, check.HTML, 3, statusRows))
	for _, want := range []string{
		"<title>Nginx http upstream check status</title>",
		"<h2>Check upstream server number: 2, generation: 3</h2>",
		"    <th>Check port</th>\n    <th>Passive fails</th>\n",
		"  <tr>\n    <td>0</td>\n    <td>backend</td>\n    <td>106.187.48.116:80</td>\n    <td>up</td>\n    <td>46</td>\n",
		"  <tr bgcolor=\"#FF0000\">\n    <td>1</td>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("html lacks %q:\n%s", want, got)
		}
	}
	if c := appendCell(nil, `<a&"b">`); string(c) != "    <td>&lt;a&amp;&quot;b&quot;&gt;</td>\n" {
		t.Errorf("cell %q", c)
	}
}

// Rows lists only checked upstreams, indexes across them, and filters by
// state.
func TestRows(t *testing.T) {
	mk := func(name string, c *check.Config, addrs ...string) *upstream.Upstream {
		cfg := &upstreamconf.Config{Name: name, Check: c}
		for _, a := range addrs {
			cfg.Servers = append(cfg.Servers, &upstreamconf.Server{Name: a, Addr: a, Weight: 1, MaxFails: 1, FailTimeout: time.Second})
		}
		u, err := upstream.NewUpstream(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tcp := &check.Config{Type: check.TCP, Rise: 1, Fall: 1}
	ups := []*upstream.Upstream{
		mk("a", tcp, "10.0.0.1:80", "10.0.0.2:80"),
		mk("plain", nil, "10.0.0.3:80"),
		mk("b", &check.Config{Type: check.HTTP, Port: 8080}, "10.0.0.4:80"),
	}
	for _, u := range []*upstream.Upstream{ups[0], ups[2]} {
		for _, p := range u.Peers {
			p.State().StartChecks(false, time.Now())
		}
	}
	ups[0].Peers[1].State().CheckResult(false, "x", 1, 1, time.Now())
	all := Rows(ups, All)
	if len(all) != 3 || all[2].Index != 2 || all[2].Upstream != "b" || all[2].Port != 8080 || all[2].Type != check.HTTP {
		t.Fatalf("rows %+v", all)
	}
	if down := Rows(ups, Down); len(down) != 1 || down[0].Index != 1 || !down[0].Down {
		t.Errorf("down rows %+v", down)
	}
	if up := Rows(ups, Up); len(up) != 2 || up[1].Index != 2 {
		t.Errorf("up rows %+v", up)
	}
	if ParseFilter([]byte("down")) != Down || ParseFilter([]byte("x")) != All {
		t.Error("ParseFilter")
	}
}
