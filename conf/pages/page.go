// Package pages reads the location directives whose answer gw makes
// itself from what it knows, not from a file or an upstream: Tengine's
// check_status, nginx's stub_status, gw's status page (gw_status),
// Prometheus metrics (gw_metrics) and the runtime API (gw_api). Like proxy_pass they are content
// handlers: one per location, not inherited.
package pages

import (
	"time"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Kind is which page a location serves.
type Kind uint8

// The pages.
const (
	CheckStatus Kind = iota // check_status: Tengine's health-check page
	StubStatus              // stub_status: nginx's connection counters
	GWStatus                // gw_status: gw's status page
	Metrics                 // gw_metrics: the Prometheus exposition
	API                     // gw_api: the runtime API, JSON in and out
)

// DefaultTransactionTimeout is how long a runtime API transaction lives
// unused when gw_api sets no transaction_timeout=: long enough for an
// operator preparing a change by hand, short enough that forgotten ones
// do not pile up.
const DefaultTransactionTimeout = 10 * time.Minute

// Page is a location's page directive.
type Page struct {
	Pos  parser.Pos
	Kind Kind
	// Format is check_status's format when the request asks for none.
	Format check.Format
	// Refresh is gw_status refresh=: how often the HTML page reloads
	// itself (HAProxy's stats refresh); 0 does not.
	Refresh time.Duration
	// TransactionTimeout is gw_api transaction_timeout=: how long a
	// transaction of the runtime API may stay open unused.
	TransactionTimeout time.Duration
}

// Directives are the names Parse reads.
var Directives = []string{"check_status", "stub_status", "gw_status", "gw_metrics", "gw_api"}

// Parse reads one of the page directives.
func Parse(d *parser.Directive) (*Page, error) {
	p := &Page{Pos: d.Pos}
	switch d.Name {
	case "check_status":
		sp, err := check.ParseStatusPage(d)
		if err != nil {
			return nil, err
		}
		p.Kind, p.Format = CheckStatus, sp.Format
	case "stub_status":
		// nginx before 1.7.5 wrote `stub_status on;`, still accepted.
		p.Kind = StubStatus
		if len(d.Args) == 1 && d.Args[0].Value != "on" {
			return nil, parser.Errorf(d.Args[0].Pos, "invalid parameter %q", d.Args[0].Value)
		}
	case "gw_status":
		p.Kind = GWStatus
		for _, a := range d.Args {
			t, err := timeParam(a, "refresh=")
			if err != nil {
				return nil, err
			}
			p.Refresh = t
		}
	case "gw_metrics":
		p.Kind = Metrics
	case "gw_api":
		p.Kind, p.TransactionTimeout = API, DefaultTransactionTimeout
		for _, a := range d.Args {
			t, err := timeParam(a, "transaction_timeout=")
			if err != nil {
				return nil, err
			}
			p.TransactionTimeout = t
		}
	}
	return p, nil
}

// timeParam reads a positive NAME=TIME parameter.
func timeParam(a parser.Arg, prefix string) (time.Duration, error) {
	v, ok := cutParam(a.Value, prefix)
	if !ok {
		return 0, parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
	}
	t, ok := value.Time(v)
	if !ok || t <= 0 {
		return 0, parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
	}
	return t, nil
}

func cutParam(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}
