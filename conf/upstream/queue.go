package upstream

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Queue is nginx Plus's `queue number [timeout=time];`: a request that
// finds every server it may use full (max_conns; for a sticky visitor, its
// own server) waits for a slot instead of moving elsewhere or failing.
type Queue struct {
	Pos     parser.Pos
	Size    int           // requests that may wait at once
	Timeout time.Duration // how long one may wait; nginx Plus's 60s by default
}

// defaultQueueTimeout is nginx Plus's.
const defaultQueueTimeout = 60 * time.Second

// SetQueue reads `queue number [timeout=time]`.
func (u *Config) SetQueue(d *parser.Directive) error {
	a := d.Args[0]
	n, ok := value.Number(a.Value)
	if !ok || n < 1 {
		return parser.Errorf(a.Pos, "invalid value %q in %q directive", a.Value, d.Name)
	}
	q := &Queue{Pos: d.Pos, Size: n, Timeout: defaultQueueTimeout}
	for _, a := range d.Args[1:] {
		v, found := strings.CutPrefix(a.Value, "timeout=")
		t, ok := value.Time(v)
		if !found || !ok || t <= 0 {
			return parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
		}
		q.Timeout = t
	}
	u.Queue = q
	return nil
}
