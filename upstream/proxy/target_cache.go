package proxy

import (
	"strings"
	"sync"

	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
)

// maxDirect bounds the proxies a location keeps for the addresses its
// proxy_pass values name: the values come from requests ($http_*, $arg_*),
// so a client could otherwise make one per address it invents.
const maxDirect = 256

// directCache holds a location's proxies to the hosts its values named
// that are not upstream blocks, by lower-cased host[:port], each with the
// addresses it was built for: a name whose answer changed gets a new one.
type directCache struct {
	mu      sync.Mutex
	targets map[string]*directEntry
	// build makes the proxy to addrs, or to up when it is a literal
	// proxy_pass's, and returns the pools it owns; nil when the URL cannot
	// have this scheme.
	build func(host, proxyHost string, addrs []string, up *upstream.Upstream) (*Proxy, []*transport.Client)
}

type directEntry struct {
	p     *Proxy
	addrs string // joined, to notice a changed answer
	owned []*transport.Client
}

// get returns the proxy for host at addrs (or to up), building it when
// needed.
func (d *directCache) get(host, proxyHost string, addrs []string, up *upstream.Upstream) *Proxy {
	key := strings.Join(addrs, " ")
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.targets[host]; e != nil && e.addrs == key {
		return e.p
	}
	p, owned := d.build(host, proxyHost, addrs, up)
	if p == nil {
		return nil
	}
	if d.targets == nil {
		d.targets = map[string]*directEntry{}
	}
	if old := d.targets[host]; old != nil {
		old.close()
	} else if len(d.targets) >= maxDirect {
		for k, e := range d.targets { // any one: map order is random enough
			e.close()
			delete(d.targets, k)
			break
		}
	}
	d.targets[host] = &directEntry{p: p, addrs: key, owned: owned}
	return p
}

// close drops the idle connections of the pools the entry owns; requests
// still running on them finish.
func (e *directEntry) close() {
	for _, c := range e.owned {
		c.CloseIdle()
	}
}
