package resolver

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"net/netip"

	"golang.org/x/net/dns/dnsmessage"
)

// maxNames bounds the cache: names come from requests ($http_*, $arg_*),
// so a client could otherwise grow it without end.
const maxNames = 1024

// Resolver looks names up through the configured name servers and keeps
// the answers. It is safe for concurrent use; lookups of one name at the
// same time share one query.
type Resolver struct {
	servers    []string
	valid      time.Duration
	ipv4, ipv6 bool
	next       atomic.Uint32 // the server the next lookup starts with

	mu    sync.Mutex
	names map[string]*entry
}

// entry is one name's answer, or the lookup still running (done open).
type entry struct {
	done    chan struct{}
	addrs   []netip.Addr
	err     error
	expires time.Time
}

// New returns a resolver asking servers ("ip:port"); valid, when not 0,
// replaces the answers' TTL; ipv4 and ipv6 choose the record types (A,
// AAAA).
func New(servers []string, valid time.Duration, ipv4, ipv6 bool) *Resolver {
	return &Resolver{servers: servers, valid: valid, ipv4: ipv4, ipv6: ipv6, names: map[string]*entry{}}
}

// Lookup returns the addresses of name, IPv4 first as nginx orders them,
// from the cache while the answer is valid. Failed lookups are not kept.
// The error is an *Error.
func (r *Resolver) Lookup(ctx context.Context, name string) ([]netip.Addr, error) {
	key := strings.ToLower(name)
	r.mu.Lock()
	e := r.names[key]
	if e != nil {
		select {
		case <-e.done:
			if time.Now().Before(e.expires) {
				r.mu.Unlock()
				return e.addrs, nil
			}
			e = nil
		default:
		}
	}
	if e == nil {
		e = &entry{done: make(chan struct{})}
		r.evict()
		r.names[key] = e
		go r.fill(key, e)
	}
	r.mu.Unlock()
	select {
	case <-e.done:
		return e.addrs, e.err
	case <-ctx.Done():
		return nil, &Error{Code: TimedOut}
	}
}

// fill runs the lookup of an entry. It is bounded by its own timeout, not
// by the request's, so a request that gives up does not fail the others
// waiting for the same name.
func (r *Resolver) fill(key string, e *entry) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e.addrs, e.expires, e.err = r.resolve(ctx, key)
	close(e.done)
	if e.err != nil {
		r.mu.Lock()
		if r.names[key] == e {
			delete(r.names, key)
		}
		r.mu.Unlock()
	}
}

// resolve asks for the A and then the AAAA records of name.
func (r *Resolver) resolve(ctx context.Context, name string) ([]netip.Addr, time.Time, error) {
	dn, err := dnsmessage.NewName(strings.TrimSuffix(name, ".") + ".")
	if err != nil {
		return nil, time.Time{}, &Error{Code: FormatError}
	}
	start := int(r.next.Add(1))
	var addrs []netip.Addr
	var ttl uint32 = 1<<32 - 1
	var firstErr error
	for _, t := range []struct {
		on  bool
		typ dnsmessage.Type
	}{{r.ipv4, dnsmessage.TypeA}, {r.ipv6, dnsmessage.TypeAAAA}} {
		if !t.on {
			continue
		}
		a, tt, err := query(ctx, r.servers, start, dn, t.typ)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		addrs = append(addrs, a...)
		ttl = min(ttl, tt)
	}
	if len(addrs) == 0 {
		return nil, time.Time{}, firstErr
	}
	valid := time.Duration(ttl) * time.Second
	if r.valid > 0 {
		valid = r.valid
	}
	return addrs, time.Now().Add(valid), nil
}

// evict makes room for one name: expired answers go first, then any one.
// Called with mu held.
func (r *Resolver) evict() {
	if len(r.names) < maxNames {
		return
	}
	now := time.Now()
	for k, e := range r.names {
		select {
		case <-e.done:
			if now.After(e.expires) {
				delete(r.names, k)
			}
		default:
		}
	}
	for k := range r.names {
		if len(r.names) < maxNames {
			break
		}
		delete(r.names, k)
	}
}
