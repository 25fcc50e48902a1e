package serve

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gw-proxy/gw/conf"
)

// requestStats counts the requests a listener, a server block or the whole
// process answered, by status class. Atomics, bumped once per request
// without a lock or an allocation.
type requestStats struct {
	requests  atomic.Uint64
	responses [5]atomic.Uint64 // 1xx to 5xx
}

// count records one request answered with status.
func (s *requestStats) count(status int) {
	s.requests.Add(1)
	if c := status/100 - 1; c >= 0 && c < len(s.responses) {
		s.responses[c].Add(1)
	}
}

// read returns the counters at one moment.
func (s *requestStats) read() RequestCounts {
	c := RequestCounts{Requests: s.requests.Load()}
	for i := range c.Responses {
		c.Responses[i] = s.responses[i].Load()
	}
	return c
}

// blockStats keeps the counters of each server block across reloads,
// keyed by what names a block to an operator: its first listen address and
// its first server name. A reload that keeps the block keeps counting on.
type blockStats struct {
	mu     sync.Mutex
	blocks map[string]*requestStats
}

// blockKey names srv for blockStats.
func blockKey(srv *conf.Server) string {
	var b strings.Builder
	if len(srv.Listens) > 0 {
		b.WriteString(srv.Listens[0].Addr.String())
	}
	b.WriteByte(' ')
	if len(srv.Names) > 0 {
		b.WriteString(srv.Names[0].Name)
	}
	return b.String()
}

// forServers returns the counters of every server block of cfg, made on
// first use.
func (bs *blockStats) forServers(cfg *conf.Config) map[*conf.Server]*requestStats {
	out := map[*conf.Server]*requestStats{}
	if cfg.HTTP == nil {
		return out
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.blocks == nil {
		bs.blocks = map[string]*requestStats{}
	}
	for _, srv := range cfg.HTTP.Servers {
		k := blockKey(srv)
		s := bs.blocks[k]
		if s == nil {
			s = new(requestStats)
			bs.blocks[k] = s
		}
		out[srv] = s
	}
	return out
}

// retain forgets the counters of the blocks the runtime now serving does
// not have. It runs only once a runtime serves, so a reload that fails
// does not lose the running blocks' counts.
func (bs *blockStats) retain(cfg *conf.Config) {
	keep := map[string]bool{}
	if cfg.HTTP != nil {
		for _, srv := range cfg.HTTP.Servers {
			keep[blockKey(srv)] = true
		}
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	for k := range bs.blocks {
		if !keep[k] {
			delete(bs.blocks, k)
		}
	}
}
