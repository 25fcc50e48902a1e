// Package snap holds the plain data of a Snapshot of the serving runtime
// (serve.Server.Snapshot): what the pages and the metrics read, in a
// package of its own so that their renderers need not import serve.
package snap

import (
	"time"

	"github.com/gw-proxy/gw/upstream"
)

// Snapshot is what a Server serves at one moment, as plain data: what a
// status page, metrics or a runtime API read (serve.Server.Snapshot).
type Snapshot struct {
	Version       string
	Generation    uint64 // 1 at start, one more per successful reload
	ConfigFile    string
	StartedAt     time.Time
	ReloadedAt    time.Time // zero before the first reload
	Reloads       int       // successful reloads
	FailedReloads int       // reloads refused, the running configuration kept

	// Client connections, as nginx's stub_status counts them.
	Connections               int    // open now
	Accepted                  uint64 // ever accepted (nginx's accepts and handled)
	Reading, Writing, Waiting int
	Parked                    int // of the waiting: parked (edge/park.go)

	Requests     RequestCounts // every request answered
	Listeners    []ListenerSnapshot
	ServerBlocks []ServerBlockSnapshot
	Upstreams    []upstream.UpstreamSnapshot
}

// ListenerSnapshot is one bound socket.
type ListenerSnapshot struct {
	Addr     string
	Accepted uint64 // connections accepted
	Active   int64  // open now
	RequestCounts
}

// ServerBlockSnapshot is one server block of the configuration served.
type ServerBlockSnapshot struct {
	Name   string   // its first server_name ("" when none)
	Listen []string // its listen addresses
	RequestCounts
}

// RequestCounts are requests answered, read at one moment.
type RequestCounts struct {
	Requests  uint64
	Responses [5]uint64 // by status class, 1xx to 5xx
}
