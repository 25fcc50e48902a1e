// Package statuspage renders gw_status, the page an operator keeps open:
// the process, its listeners and server blocks, and every upstream server
// with its state and traffic, as HTML, JSON or CSV. It knows nothing of
// the running server: package serve fills a Status and asks for a format,
// so the renderers are tested with made-up data.
package statuspage

import (
	"time"

	"github.com/gw-proxy/gw/upstream"
)

// Status is everything the page shows, at one moment. Its JSON names are
// the documented field names of ?format=json: they are kept stable.
type Status struct {
	// Version is gw's version, "" under server_tokens off (and then left
	// out of the JSON).
	Version       string     `json:"version,omitempty"`
	Generation    uint64     `json:"generation"` // 1 at start, one more per successful reload
	Time          time.Time  `json:"time"`       // when the page was made
	StartedAt     time.Time  `json:"started_at"`
	UptimeSeconds int64      `json:"uptime_seconds"`
	ReloadedAt    *time.Time `json:"reloaded_at"` // null before the first reload
	Reloads       int        `json:"reloads"`
	FailedReloads int        `json:"failed_reloads"`

	Connections Connections   `json:"connections"`
	Requests    Counts        `json:"requests"`
	Listeners   []Listener    `json:"listeners"`
	Servers     []ServerBlock `json:"server_blocks"`
	Upstreams   []Upstream    `json:"upstreams"`

	// Refresh is how often the HTML page reloads itself, 0 never. Not part
	// of the data.
	Refresh time.Duration `json:"-"`
}

// Connections are the client connections, as nginx's stub_status counts them.
type Connections struct {
	Active   int    `json:"active"`
	Accepted uint64 `json:"accepted"`
	Reading  int    `json:"reading"`
	Writing  int    `json:"writing"`
	Waiting  int    `json:"waiting"`
	// Parked: of the waiting, those idle long enough that gw took them
	// from its HTTP server to hold them in a few hundred bytes.
	Parked int `json:"parked"`
}

// Counts are requests answered and their responses by status class.
type Counts struct {
	Requests  uint64    `json:"requests"`
	Responses Responses `json:"responses"`
}

// Responses counts responses by status class.
type Responses struct {
	C1xx uint64 `json:"1xx"`
	C2xx uint64 `json:"2xx"`
	C3xx uint64 `json:"3xx"`
	C4xx uint64 `json:"4xx"`
	C5xx uint64 `json:"5xx"`
}

// ResponsesOf turns counts by class, 1xx first, into Responses.
func ResponsesOf(c [5]uint64) Responses {
	return Responses{C1xx: c[0], C2xx: c[1], C3xx: c[2], C4xx: c[3], C5xx: c[4]}
}

func (r Responses) list() [5]uint64 { return [5]uint64{r.C1xx, r.C2xx, r.C3xx, r.C4xx, r.C5xx} }

// Listener is one bound socket.
type Listener struct {
	Address  string `json:"address"`
	Accepted uint64 `json:"accepted"` // connections ever accepted
	Active   int64  `json:"active"`   // connections open now
	Counts
}

// ServerBlock is one server block of the configuration.
type ServerBlock struct {
	Name   string   `json:"name"`   // its first server_name, "" when none
	Listen []string `json:"listen"` // its listen addresses
	Counts
}

// Upstream is one upstream block and its servers, in configuration order.
type Upstream struct {
	Name    string   `json:"name"`
	Servers []Server `json:"servers"`
	// Learned is the sticky learn zone, absent without one.
	Learned *Learned `json:"learned,omitempty"`
}

// Learned is the state of an upstream's learned sessions (sticky learn)
// and of the store that shares them (sticky_store).
type Learned struct {
	Zone     string        `json:"zone"`
	Sessions int           `json:"sessions"`
	Capacity int           `json:"capacity"`
	Evicted  uint64        `json:"evicted"`
	Expired  uint64        `json:"expired"`
	Store    *LearnedStore `json:"store,omitempty"`
}

// LearnedStore is the state of sticky_store.
type LearnedStore struct {
	URL      string `json:"url"`
	Up       bool   `json:"up"`
	Dropped  uint64 `json:"dropped"`
	Failures uint64 `json:"failures"`
}

// Server is one server address of an upstream.
type Server struct {
	Name    string `json:"name"`    // as written in the configuration
	Address string `json:"address"` // ip:port
	ID      string `json:"id"`      // its id= parameter, "" when none
	// Key names the server in the runtime API's URLs and the metrics'
	// server label: its id=, else its address, "#2"... for a repeat.
	Key    string `json:"key"`
	SID    string `json:"sid"` // the value session_sticky's cookie carries for it, "" without session_sticky
	Backup bool   `json:"backup"`
	State  State  `json:"state"` // one word, see State

	Weight       int    `json:"weight"`        // in effect
	ConfigWeight int    `json:"config_weight"` // as configured
	Admin        string `json:"admin"`         // the operator's override: config, ready, drain or maint
	// WeightOverride is the operator's weight (runtime API), 0 when the
	// configured weight applies.
	WeightOverride int   `json:"weight_override"`
	MaxConns       int   `json:"max_conns"` // 0: unlimited
	Active         int64 `json:"active"`    // requests in flight

	Check Check `json:"check"`

	Fails     int64     `json:"fails"`    // passive failures since its last recovery
	Requests  uint64    `json:"requests"` // requests sent to it
	Failures  uint64    `json:"failures"` // tries that failed
	Retries   uint64    `json:"retries"`  // tries that retried a request another try failed
	Responses Responses `json:"responses"`

	Sessions  uint64 `json:"sessions"`  // sticky sessions started on it
	Returning uint64 `json:"returning"` // sticky visitors their cookie brought back
	Moved     uint64 `json:"moved"`     // sticky visitors moved here from a server that could not take them

	BytesSent     uint64 `json:"bytes_sent"`     // body bytes sent to the server
	BytesReceived uint64 `json:"bytes_received"` // body bytes received from it

	ResponseTime ResponseTime `json:"response_time"`
}

// Check is what active health checks found of a server.
type Check struct {
	Checked    bool       `json:"checked"`     // a check runs for it; the rest is meaningless otherwise
	Down       bool       `json:"down"`        // held out by the check
	Reason     string     `json:"reason"`      // why the last probe failed, "" after a success
	Rise       int        `json:"rise"`        // consecutive successes
	Fall       int        `json:"fall"`        // consecutive failures
	LastCheck  *time.Time `json:"last_check"`  // null before the first probe ends
	LastChange *time.Time `json:"last_change"` // the last transition, or when checking began
}

// ResponseTime is a server's response times over the recent window (10 to
// 20 seconds).
type ResponseTime struct {
	Count uint64  `json:"count"`  // responses in the window
	AvgMs float64 `json:"avg_ms"` // 0 when Count is 0
	P99Ms float64 `json:"p99_ms"` // estimated from the histogram's buckets
}

// ServerOf turns a peer's snapshot into a Server; its state is decided by
// States, which needs the whole upstream.
func ServerOf(p *upstream.PeerSnapshot, sid string) Server {
	h := p.Health
	return Server{
		Name: p.Name, Address: p.Addr, ID: p.ID, Key: p.Key, SID: sid, Backup: p.Backup,
		Weight: p.Weight, ConfigWeight: p.ConfigWeight, Admin: p.Admin.String(), WeightOverride: p.WeightOverride,
		MaxConns: p.MaxConns, Active: p.Active,
		Check: Check{
			Checked: h.Checked, Down: h.Down, Reason: h.Reason, Rise: h.Rise, Fall: h.Fall,
			LastCheck: timeOrNil(h.LastCheck), LastChange: timeOrNil(h.LastChange),
		},
		Fails: p.Fails, Requests: p.Requests, Failures: p.Failures, Retries: p.Retries,
		Responses: ResponsesOf(p.Responses),
		Sessions:  p.Sessions, Returning: p.Returning, Moved: p.Moved,
		BytesSent: p.BytesSent, BytesReceived: p.BytesReceived,
		ResponseTime: ResponseTime{
			Count: p.Latency.WindowCount, AvgMs: ms(p.Latency.WindowAvg), P99Ms: ms(p.Latency.WindowP99),
		},
	}
}

// TimeOrNil returns nil for the zero time, which JSON then shows as null.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
