package tests

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsAndStubStatus: the real binary proxies to two gw-demo
// backends, then its gw_metrics page, read with Prometheus's own parser,
// and its stub_status page count what it did.
func TestMetricsAndStubStatus(t *testing.T) {
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    access_log off;
    upstream app { server %[2]s; server %[3]s; }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location = /metrics { gw_metrics; }
        location = /stub { stub_status; }
    }
}`, a, b1, b2), a)

	const proxied = 4
	for range proxied {
		if r := get(t, a, "", "/"); r.status != 200 {
			t.Fatalf("GET /: %d %q", r.status, r.body)
		}
	}

	r := get(t, a, "", "/metrics")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %q", r.status, r.header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("%v\n%s", err, r.body)
	}
	// find returns the sample of name with the label server=addr, or the
	// only one when addr is "".
	find := func(name, addr string) *dto.Metric {
		t.Helper()
		for _, m := range families[name].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "server" && l.GetValue() == addr {
					return m
				}
			}
			if addr == "" {
				return m
			}
		}
		t.Fatalf("no %s for %q in:\n%s", name, addr, r.body)
		return nil
	}
	if v := find("gw_requests_total", "").GetCounter().GetValue(); v != proxied {
		t.Errorf("gw_requests_total %v, want %d", v, proxied)
	}
	for _, b := range []string{b1, b2} {
		if v := find("gw_upstream_server_requests_total", b).GetCounter().GetValue(); v != proxied/2 {
			t.Errorf("%s: requests %v, want %d by round robin", b, v, proxied/2)
		}
		if n := find("gw_upstream_server_response_seconds", b).GetHistogram().GetSampleCount(); n != proxied/2 {
			t.Errorf("%s: response-time count %d, want %d", b, n, proxied/2)
		}
		if v := find("gw_upstream_server_up", b).GetGauge().GetValue(); v != 1 {
			t.Errorf("%s: up %v", b, v)
		}
	}
	if _, ok := families["process_start_time_seconds"]; !ok {
		t.Error("no process metrics")
	}

	// The scrape is counted now that it is answered: one more request.
	r = get(t, a, "", "/stub")
	m := regexp.MustCompile(`^Active connections: (\d+) \nserver accepts handled requests\n (\d+) (\d+) (\d+) \nReading: (\d+) Writing: (\d+) Waiting: (\d+) \n$`).
		FindStringSubmatch(r.body)
	if r.status != 200 || r.header.Get("Content-Type") != "text/plain" || m == nil {
		t.Fatalf("/stub: %d %q\n%q", r.status, r.header.Get("Content-Type"), r.body)
	}
	if m[4] != fmt.Sprint(proxied+1) || m[2] != m[3] || m[1] == "0" || m[6] == "0" {
		t.Errorf("stub_status:\n%s", r.body)
	}
}
