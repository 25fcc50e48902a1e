package metrics

import (
	"bytes"
	"testing"
	"time"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/metrics/metricstest"
	"github.com/gw-proxy/gw/cmd/gw/internal/serve/snap"
	"github.com/gw-proxy/gw/upstream"
)

// TestMetricsHistogramCumulative: gw counts each response-time bucket on
// its own, Prometheus cumulatively; the slowest bucket (over the last
// bound) is only in the count, as +Inf.
func TestMetricsHistogramCumulative(t *testing.T) {
	var lat upstream.LatencySnapshot
	lat.Buckets[0] = 2                             // ≤ 1ms
	lat.Buckets[3] = 1                             // ≤ 10ms
	lat.Buckets[len(upstream.LatencyBounds)-1] = 4 // ≤ 60s
	lat.Buckets[len(upstream.LatencyBounds)] = 5   // over 60s
	lat.Count, lat.Sum = 12, 400*time.Second
	s := &snap.Snapshot{Version: "test", Upstreams: []upstream.UpstreamSnapshot{{
		Name: "u", Peers: []upstream.PeerSnapshot{{Addr: "10.0.0.1:80", Key: "10.0.0.1:80", Latency: lat}},
	}}}
	body, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	h := metricstest.Sample(t, metricstest.Parse(t, string(body)), "gw_upstream_server_response_seconds", "server", "10.0.0.1:80").GetHistogram()
	want := map[float64]uint64{0.001: 2, 0.002: 2, 0.005: 2, 0.01: 3, 30: 3, 60: 7}
	for _, b := range h.Bucket {
		if w, ok := want[b.GetUpperBound()]; ok && b.GetCumulativeCount() != w {
			t.Errorf("le=%v: %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), w)
		}
	}
	if h.GetSampleCount() != 12 || h.GetSampleSum() != 400 {
		t.Errorf("count %d sum %v", h.GetSampleCount(), h.GetSampleSum())
	}
	if !bytes.Contains(body, []byte(`gw_upstream_server_response_seconds_bucket{server="10.0.0.1:80",upstream="u",le="+Inf"} 12`)) {
		t.Errorf("no +Inf bucket of 12:\n%s", body)
	}
}

// TestMetricsRepeatedSeries: server blocks that share their counters
// (same first name and listen) are exported once, where a repeated series
// would fail the whole scrape; upstream servers are labelled with their
// key (upstream/key.go), which tells lines with one address apart by a
// "#n" on the later ones and names a server with id= by it.
func TestMetricsRepeatedSeries(t *testing.T) {
	peer := upstream.PeerSnapshot{Addr: "10.0.0.1:80", Key: "10.0.0.1:80", Requests: 7}
	second := upstream.PeerSnapshot{Addr: "10.0.0.1:80", Key: "10.0.0.1:80#2", Requests: 3}
	named := upstream.PeerSnapshot{Addr: "10.0.0.2:80", ID: "s2", Key: "s2", Requests: 1}
	s := &snap.Snapshot{
		ServerBlocks: []snap.ServerBlockSnapshot{
			{Name: "a", Listen: []string{"0.0.0.0:80"}}, {Name: "a", Listen: []string{"0.0.0.0:80", "[::]:80"}},
		},
		Upstreams: []upstream.UpstreamSnapshot{{Name: "u", Peers: []upstream.PeerSnapshot{peer, second, named}}},
	}
	body, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	f := metricstest.Parse(t, string(body))
	if n := len(f["gw_upstream_server_requests_total"].Metric); n != 3 {
		t.Errorf("%d series for three servers, two with one address, want 3", n)
	}
	for _, want := range []string{
		`gw_upstream_server_requests_total{server="10.0.0.1:80",upstream="u"} 7`,
		`gw_upstream_server_requests_total{server="10.0.0.1:80#2",upstream="u"} 3`,
		`gw_upstream_server_requests_total{server="s2",upstream="u"} 1`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}
	if n := len(f["gw_server_requests_total"].Metric); n != 1 {
		t.Errorf("%d series for one block key", n)
	}
}
