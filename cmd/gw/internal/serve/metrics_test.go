package serve

import (
	"math"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/metrics/metricstest"
	"github.com/gw-proxy/gw/upstream"
)

// TestMetricsScrape: after real requests through a Server, the scrape
// parses and counts them: in total and by class, per listener, per server
// block and per upstream server, with a response-time histogram whose
// count is the requests proxied.
func TestMetricsScrape(t *testing.T) {
	_, addr, backend := startPages(t)
	const proxied = 3
	for range proxied {
		fetch(t, "GET", "http://"+addr+"/app")
	}
	fetch(t, "GET", "http://"+addr+"/missing")

	resp, body := fetch(t, "GET", "http://"+addr+"/metrics")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != string(expfmt.NewFormat(expfmt.TypeTextPlain)) {
		t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f := metricstest.Parse(t, body)
	check := func(want float64, name string, labels ...string) {
		t.Helper()
		if got := metricstest.Value(metricstest.Sample(t, f, name, labels...)); got != want {
			t.Errorf("%s%v = %v, want %v", name, labels, got, want)
		}
	}
	check(1, "gw_build_info", "version", Version)
	check(1, "gw_config_generation")
	check(0, "gw_config_reloads_total")
	check(proxied+1, "gw_requests_total")
	check(proxied, "gw_responses_total", "class", "2xx")
	check(1, "gw_responses_total", "class", "4xx")
	check(0, "gw_responses_total", "class", "5xx")
	check(proxied+1, "gw_listener_requests_total", "listen", addr)
	check(proxied+1, "gw_server_requests_total", "server", "pages.test", "listen", addr)
	check(1, "gw_server_responses_total", "server", "pages.test", "class", "4xx")
	if v := metricstest.Value(metricstest.Sample(t, f, "gw_connections_accepted_total")); v < 1 {
		t.Errorf("accepted %v", v)
	}
	if v := metricstest.Value(metricstest.Sample(t, f, "gw_connections", "state", "writing")); v < 1 {
		t.Errorf("writing %v: the scrape's own connection is writing", v)
	}
	if v := metricstest.Value(metricstest.Sample(t, f, "gw_start_time_seconds")); math.Abs(v-float64(time.Now().Unix())) > 60 {
		t.Errorf("start time %v", v)
	}

	peer := []string{"upstream", "app", "server", backend}
	check(1, "gw_upstream_server_up", peer...)
	check(0, "gw_upstream_server_down", peer...)
	check(proxied, "gw_upstream_server_requests_total", peer...)
	check(0, "gw_upstream_server_failures_total", peer...)
	check(proxied, "gw_upstream_server_responses_total", append(peer, "class", "2xx")...)
	check(1, "gw_upstream_server_weight", peer...)
	if v := metricstest.Value(metricstest.Sample(t, f, "gw_upstream_server_bytes_received_total", peer...)); v < proxied*float64(len("backend")) {
		t.Errorf("bytes received %v", v)
	}
	if _, ok := f["gw_upstream_server_health_check_up"]; ok {
		t.Error("health_check_up for a server no check runs on")
	}
	h := metricstest.Sample(t, f, "gw_upstream_server_response_seconds", peer...).GetHistogram()
	if f["gw_upstream_server_response_seconds"].GetType() != dto.MetricType_HISTOGRAM || h == nil {
		t.Fatal("response_seconds is not a histogram")
	}
	// The parser lists the +Inf bucket after gw's bounds.
	if h.GetSampleCount() != proxied || len(h.Bucket) != len(upstream.LatencyBounds)+1 {
		t.Fatalf("histogram %v", h)
	}
	if b := h.Bucket[len(h.Bucket)-2]; b.GetCumulativeCount() != proxied || b.GetUpperBound() != 60 {
		t.Errorf("le=60 bucket %v: a loopback backend answers within 60s", b)
	}
	if _, ok := f["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}

	// The scrape itself counts once answered.
	_, body = fetch(t, "GET", "http://"+addr+"/metrics")
	if v := metricstest.Value(metricstest.Sample(t, metricstest.Parse(t, body), "gw_requests_total")); v != proxied+2 {
		t.Errorf("requests %v after a scrape, want %d", v, proxied+2)
	}
	if resp, _ := fetch(t, "POST", "http://"+addr+"/metrics"); resp.StatusCode != 405 {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
}
