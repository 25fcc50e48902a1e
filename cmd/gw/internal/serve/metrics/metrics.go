// Package metrics renders gw's counters in the Prometheus text exposition
// format for gw_metrics, with the Prometheus Go client: a collector turns
// one snapshot into constant metrics per scrape.
package metrics

import (
	"bytes"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve/snap"
	"github.com/gw-proxy/gw/upstream"
)

// gw_metrics serves the Prometheus text exposition of a Snapshot. The
// counters are gw's own atomics, bumped on the request path as before;
// the exposition reads them once per scrape, as constant metrics, so a
// proxied request costs nothing more for being exported.

// Format is the text format 0.0.4, which every Prometheus scrapes.
var Format = expfmt.NewFormat(expfmt.TypeTextPlain)

// processMetrics are the Go runtime's and the process's own metrics
// (go_*, process_*): one set per process, kept across scrapes.
var processMetrics = func() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}()

// Render returns the exposition of s with the process's
// metrics. Each scrape registers its own collector for its snapshot: a
// registry costs microseconds, a scrape comes every few seconds, and the
// pedantic registry checks what the collector emits against what it
// describes.
func Render(s *snap.Snapshot) ([]byte, error) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(snapshotCollector{s}); err != nil {
		return nil, err
	}
	families, err := prometheus.Gatherers{processMetrics, reg}.Gather()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, Format)
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// statusClasses are the values of the class label, by RequestCounts'
// and PeerSnapshot's Responses index.
var statusClasses = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// The metrics of gw, each listed in the README.
var (
	descBuildInfo = prometheus.NewDesc("gw_build_info",
		"Always 1, labelled with the version of gw running.", []string{"version"}, nil)
	descGeneration = prometheus.NewDesc("gw_config_generation",
		"The configuration served: 1 at start, one more per successful reload.", nil, nil)
	descReloads = prometheus.NewDesc("gw_config_reloads_total",
		"Successful reloads of the configuration.", nil, nil)
	descReloadFailures = prometheus.NewDesc("gw_config_reload_failures_total",
		"Reloads refused, the running configuration kept.", nil, nil)
	descLastReload = prometheus.NewDesc("gw_config_last_reload_timestamp_seconds",
		"When the configuration served was loaded (at start, or by the last successful reload).", nil, nil)
	descStartTime = prometheus.NewDesc("gw_start_time_seconds",
		"When the process began serving.", nil, nil)

	descConnsActive = prometheus.NewDesc("gw_connections_active",
		"Open client connections (stub_status's Active connections).", nil, nil)
	descConnsAccepted = prometheus.NewDesc("gw_connections_accepted_total",
		"Client connections accepted (stub_status's accepts and handled).", nil, nil)
	descConnsState = prometheus.NewDesc("gw_connections",
		"Open client connections by state, as stub_status's Reading, Writing and Waiting.", []string{"state"}, nil)
	descConnsParked = prometheus.NewDesc("gw_connections_parked",
		"Waiting client connections idle long enough that gw holds them outside its HTTP server, without buffers.", nil, nil)
	descRequests = prometheus.NewDesc("gw_requests_total",
		"Client requests answered.", nil, nil)
	descResponses = prometheus.NewDesc("gw_responses_total",
		"Client requests answered, by status class.", []string{"class"}, nil)

	descListenerAccepted = prometheus.NewDesc("gw_listener_connections_accepted_total",
		"Client connections a listening socket accepted.", []string{"listen"}, nil)
	descListenerActive = prometheus.NewDesc("gw_listener_connections_active",
		"Open client connections of a listening socket.", []string{"listen"}, nil)
	descListenerRequests = prometheus.NewDesc("gw_listener_requests_total",
		"Client requests answered on a listening socket.", []string{"listen"}, nil)
	descListenerResponses = prometheus.NewDesc("gw_listener_responses_total",
		"Client requests answered on a listening socket, by status class.", []string{"listen", "class"}, nil)

	descServerRequests = prometheus.NewDesc("gw_server_requests_total",
		"Client requests a server block answered.", []string{"server", "listen"}, nil)
	descServerResponses = prometheus.NewDesc("gw_server_responses_total",
		"Client requests a server block answered, by status class.", []string{"server", "listen", "class"}, nil)
)

// The metrics of each server of an upstream, labelled upstream and server.
var (
	upstreamLabels = []string{"upstream", "server"}

	descPeerUp = prometheus.NewDesc("gw_upstream_server_up",
		"1 if the server may take a request now: not down, failed, held out by health checks nor at max_conns.", upstreamLabels, nil)
	descPeerDown = prometheus.NewDesc("gw_upstream_server_down",
		"1 if the server is out of service by the configuration (down) or the operator (maint).", upstreamLabels, nil)
	descPeerDrain = prometheus.NewDesc("gw_upstream_server_drain",
		"1 if the server takes no new sticky session (drain).", upstreamLabels, nil)
	descPeerFailed = prometheus.NewDesc("gw_upstream_server_failed",
		"1 if passive health holds the server out (max_fails within fail_timeout).", upstreamLabels, nil)
	descPeerBackup = prometheus.NewDesc("gw_upstream_server_backup",
		"1 if the server is a backup server.", upstreamLabels, nil)
	descPeerCheckUp = prometheus.NewDesc("gw_upstream_server_health_check_up",
		"What active health checks found: 1 up, 0 down; absent for a server not checked.", upstreamLabels, nil)
	descPeerWeight = prometheus.NewDesc("gw_upstream_server_weight",
		"The server's weight in effect.", upstreamLabels, nil)
	descPeerActive = prometheus.NewDesc("gw_upstream_server_active",
		"Requests in flight to the server.", upstreamLabels, nil)
	descPeerFails = prometheus.NewDesc("gw_upstream_server_fails",
		"Passive-health failures since the server last recovered.", upstreamLabels, nil)
	descPeerRequests = prometheus.NewDesc("gw_upstream_server_requests_total",
		"Requests sent to the server.", upstreamLabels, nil)
	descPeerFailures = prometheus.NewDesc("gw_upstream_server_failures_total",
		"Failed attempts on the server.", upstreamLabels, nil)
	descPeerRetries = prometheus.NewDesc("gw_upstream_server_retries_total",
		"Tries on the server that retried a request another try had failed.", upstreamLabels, nil)
	descPeerResponses = prometheus.NewDesc("gw_upstream_server_responses_total",
		"Responses received from the server, by status class.", append(upstreamLabels[:2:2], "class"), nil)
	descPeerSent = prometheus.NewDesc("gw_upstream_server_bytes_sent_total",
		"Request body bytes sent to the server.", upstreamLabels, nil)
	descPeerReceived = prometheus.NewDesc("gw_upstream_server_bytes_received_total",
		"Response body bytes received from the server.", upstreamLabels, nil)
	descPeerSticky = prometheus.NewDesc("gw_upstream_server_sticky_sessions_total",
		"Sticky visitors by outcome: created (a new session began here), returning (their cookie brought them back), moved (here from a server that could not take them).",
		append(upstreamLabels[:2:2], "outcome"), nil)
	descPeerLatency = prometheus.NewDesc("gw_upstream_server_response_seconds",
		"Response time of the server.", upstreamLabels, nil)

	descLearnSessions = prometheus.NewDesc("gw_sticky_learn_sessions",
		"Sessions held by the upstream's sticky learn zone.", []string{"upstream", "zone"}, nil)
	descLearnCapacity = prometheus.NewDesc("gw_sticky_learn_capacity",
		"The most sessions the zone holds.", []string{"upstream", "zone"}, nil)
	descLearnEvicted = prometheus.NewDesc("gw_sticky_learn_evicted_total",
		"Sessions forgotten to make room (the least recently used).", []string{"upstream", "zone"}, nil)
	descLearnExpired = prometheus.NewDesc("gw_sticky_learn_expired_total",
		"Sessions forgotten after their timeout.", []string{"upstream", "zone"}, nil)
	descStoreUp = prometheus.NewDesc("gw_sticky_store_up",
		"Whether the zone's sticky_store (Redis) answers.", []string{"upstream", "zone"}, nil)
	descStoreDropped = prometheus.NewDesc("gw_sticky_store_dropped_total",
		"Session writes refused by the store's full queue.", []string{"upstream", "zone"}, nil)
	descStoreFailures = prometheus.NewDesc("gw_sticky_store_failures_total",
		"Calls to the store that failed.", []string{"upstream", "zone"}, nil)
)

var allDescs = []*prometheus.Desc{
	descBuildInfo, descGeneration, descReloads, descReloadFailures, descLastReload, descStartTime,
	descConnsActive, descConnsAccepted, descConnsState, descConnsParked, descRequests, descResponses,
	descListenerAccepted, descListenerActive, descListenerRequests, descListenerResponses,
	descServerRequests, descServerResponses,
	descPeerUp, descPeerDown, descPeerDrain, descPeerFailed, descPeerBackup, descPeerCheckUp,
	descPeerWeight, descPeerActive, descPeerFails, descPeerRequests, descPeerFailures, descPeerRetries,
	descPeerResponses, descPeerSent, descPeerReceived, descPeerSticky, descPeerLatency,
	descLearnSessions, descLearnCapacity, descLearnEvicted, descLearnExpired,
	descStoreUp, descStoreDropped, descStoreFailures,
}

// latencyBounds are upstream.LatencyBounds in seconds, the histogram's
// upper bounds.
var latencyBounds = func() []float64 {
	b := make([]float64, len(upstream.LatencyBounds))
	for i, d := range upstream.LatencyBounds {
		b[i] = d.Seconds()
	}
	return b
}()

// snapshotCollector emits one Snapshot as constant metrics.
type snapshotCollector struct{ s *snap.Snapshot }

// Describe sends every metric's description.
func (c snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
}

// Collect sends the snapshot's metrics.
func (c snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	classes := func(d *prometheus.Desc, r *[5]uint64, labels ...string) {
		for i, class := range statusClasses {
			counter(d, r[i], append(labels[:len(labels):len(labels)], class)...)
		}
	}

	gauge(descBuildInfo, 1, s.Version)
	gauge(descGeneration, float64(s.Generation))
	counter(descReloads, uint64(s.Reloads))
	counter(descReloadFailures, uint64(s.FailedReloads))
	loaded := s.ReloadedAt
	if loaded.IsZero() {
		loaded = s.StartedAt
	}
	gauge(descLastReload, unixSeconds(loaded))
	gauge(descStartTime, unixSeconds(s.StartedAt))

	gauge(descConnsActive, float64(s.Connections))
	counter(descConnsAccepted, s.Accepted)
	gauge(descConnsState, float64(s.Reading), "reading")
	gauge(descConnsState, float64(s.Writing), "writing")
	gauge(descConnsState, float64(s.Waiting), "waiting")
	gauge(descConnsParked, float64(s.Parked))
	counter(descRequests, s.Requests.Requests)
	classes(descResponses, &s.Requests.Responses)

	for i := range s.Listeners {
		l := &s.Listeners[i]
		counter(descListenerAccepted, l.Accepted, l.Addr)
		gauge(descListenerActive, float64(l.Active), l.Addr)
		counter(descListenerRequests, l.Requests, l.Addr)
		classes(descListenerResponses, &l.Responses, l.Addr)
	}

	// Blocks with the same first name and first listen address share
	// their counters (blockStats), and would repeat a series: once is
	// enough.
	seen := map[[2]string]bool{}
	for i := range s.ServerBlocks {
		b := &s.ServerBlocks[i]
		var listen string
		if len(b.Listen) > 0 {
			listen = b.Listen[0]
		}
		key := [2]string{b.Name, listen}
		if seen[key] {
			continue
		}
		seen[key] = true
		counter(descServerRequests, b.Requests, b.Name, listen)
		classes(descServerResponses, &b.Responses, b.Name, listen)
	}

	// A server is labelled with its key, the name the runtime API gives
	// it (upstream/key.go): its id= when written, else its address, with
	// "#2", "#3"... appended to a key already taken, so that no series
	// repeats and none hides another's.
	for i := range s.Upstreams {
		u := &s.Upstreams[i]
		for j := range u.Peers {
			p := &u.Peers[j]
			server := p.Key
			collectPeer(ch, u.Name, server, p, gauge, counter, classes)
		}
		if l := u.Learned; l != nil {
			gauge(descLearnSessions, float64(l.Sessions), u.Name, l.Zone)
			gauge(descLearnCapacity, float64(l.Capacity), u.Name, l.Zone)
			counter(descLearnEvicted, l.Evicted, u.Name, l.Zone)
			counter(descLearnExpired, l.Expired, u.Name, l.Zone)
			if l.Store != "" {
				gauge(descStoreUp, flag(l.StoreUp), u.Name, l.Zone)
				counter(descStoreDropped, l.StoreDropped, u.Name, l.Zone)
				counter(descStoreFailures, l.StoreFailures, u.Name, l.Zone)
			}
		}
	}
}

// collectPeer sends the metrics of one server of upstream name, labelled
// server.
func collectPeer(ch chan<- prometheus.Metric, name, server string, p *upstream.PeerSnapshot,
	gauge func(*prometheus.Desc, float64, ...string), counter func(*prometheus.Desc, uint64, ...string),
	classes func(*prometheus.Desc, *[5]uint64, ...string)) {
	l := []string{name, server}
	gauge(descPeerUp, flag(p.Available), l...)
	gauge(descPeerDown, flag(p.Down), l...)
	gauge(descPeerDrain, flag(p.Drain), l...)
	gauge(descPeerFailed, flag(p.Failed), l...)
	gauge(descPeerBackup, flag(p.Backup), l...)
	if p.Health.Checked {
		gauge(descPeerCheckUp, flag(!p.Health.Down), l...)
	}
	gauge(descPeerWeight, float64(p.Weight), l...)
	gauge(descPeerActive, float64(p.Active), l...)
	gauge(descPeerFails, float64(p.Fails), l...)
	counter(descPeerRequests, p.Requests, l...)
	counter(descPeerFailures, p.Failures, l...)
	counter(descPeerRetries, p.Retries, l...)
	classes(descPeerResponses, &p.Responses, l...)
	counter(descPeerSent, p.BytesSent, l...)
	counter(descPeerReceived, p.BytesReceived, l...)
	counter(descPeerSticky, p.Sessions, name, server, "created")
	counter(descPeerSticky, p.Returning, name, server, "returning")
	counter(descPeerSticky, p.Moved, name, server, "moved")
	ch <- latencyHistogram(&p.Latency, l)
}

// latencyHistogram returns a server's response times as a Prometheus
// histogram, whose buckets count cumulatively where gw's count each its
// own interval.
func latencyHistogram(lat *upstream.LatencySnapshot, labels []string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(latencyBounds))
	var cum uint64
	for i, le := range latencyBounds {
		cum += lat.Buckets[i]
		buckets[le] = cum
	}
	// The last of gw's buckets, over the last bound, is the +Inf bucket
	// Prometheus derives from the count.
	return prometheus.MustNewConstHistogram(descPeerLatency, lat.Count, lat.Sum.Seconds(), buckets, labels...)
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// unixSeconds is t as a Prometheus timestamp gauge (0 for the zero time).
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
