package check

import (
	"time"

	"github.com/gw-proxy/gw/parser"
)

// Config is one upstream's `check` and check_* directives: plain data with
// Tengine's defaults filled in for what the block does not say.
type Config struct {
	Pos parser.Pos // of the check directive

	Interval time.Duration // interval=, ms: from the start of one probe to the next; default 30s
	// Fall is how many probes in a row must fail for an up server to be
	// marked down (default 5); Rise how many must pass for a down one to
	// come back (default 2).
	Fall, Rise int
	Timeout    time.Duration // timeout=, ms: connect and answer of one probe; default 1s
	// DefaultDown: servers start down and wait for Rise passing probes
	// (Tengine's default, true); false starts them up.
	DefaultDown bool
	Type        Type // default TCP
	Port        int  // 0: the server's own port

	// Send is what an http check writes: check_http_send, its escapes
	// decoded as Tengine does (\r \n \t \" \' \\, nothing else); default
	// "GET / HTTP/1.0\r\n\r\n". nil for the other types, whose probes are
	// fixed.
	Send []byte
	// Expect are the status classes that make an http check pass
	// (check_http_expect_alive); default http_2xx http_3xx for an http
	// check, and, as in Tengine, none for the other types unless written.
	Expect Statuses
	// ExpectBody is gw's check_http_expect_body: a substring the response
	// body of an http check must contain; "" means the body is not looked at.
	ExpectBody string
	// KeepaliveRequests is check_keepalive_requests: how many probes one
	// connection carries before it is closed; default 1, a connection per
	// probe.
	KeepaliveRequests int
}

// Tengine's defaults.
const (
	defaultInterval          = 30 * time.Second
	defaultFall              = 5
	defaultRise              = 2
	defaultTimeout           = time.Second
	defaultKeepaliveRequests = 1
	defaultSend              = "GET / HTTP/1.0\r\n\r\n"
	defaultExpect            = Status2xx | Status3xx
)
