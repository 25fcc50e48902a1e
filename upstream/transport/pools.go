package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Key is everything that shapes a peer's connections: two locations
// proxying to the same address with the same key share one pool. Timeouts
// are part of it because they live on the connections (see Conn).
type Key struct {
	Addr string // "ip:port"
	TLS  bool

	// ServerName is the SNI sent (proxy_ssl_server_name on), VerifyName
	// the name the certificate must carry (proxy_ssl_verify on).
	ServerName, VerifyName string
	// NoSessionReuse is proxy_ssl_session_reuse off: every connection
	// makes a full handshake.
	NoSessionReuse bool

	Keepalive         int // keepalive N; 0: one request per connection
	KeepaliveTimeout  time.Duration
	KeepaliveRequests int

	Connect, Read, Send time.Duration // proxy_connect/read/send_timeout
}

// Client is one peer's connection pool: a fasthttp.HostClient and the
// accounting gw adds to it.
type Client struct {
	key  Key
	hc   *fasthttp.HostClient
	tls  *tls.Config
	idle atomic.Int64 // connections gw parked for reuse, bounded by keepalive N
	gen  uint64       // the Pools generation that last took it (under Pools.mu)
}

// maxConnsPerPeer lifts fasthttp's default of 512 connections per host: nginx
// opens as many as requests need, and max_conns (Peer.Acquire) is the limit
// an operator sets.
const maxConnsPerPeer = 1 << 20

// ResponseHeaderMax bounds an upstream's response header, nginx's
// proxy_buffer_size (one page, 4k or 8k) with room for large cookies.
const ResponseHeaderMax = 16 << 10

// Pools holds the connection pools of every peer that a runtime's proxies
// talk to, keyed by address and the settings that shape a connection. It
// outlives runtimes: a reload builds its proxies from the same Pools, so
// an unchanged peer keeps its idle keep-alive connections, and
// Prune drops the pools the new runtime no longer uses. Pools is safe for
// concurrent use; it is consulted only while a runtime is built.
type Pools struct {
	// RootCAs verifies upstream certificates under proxy_ssl_verify on;
	// nil means the system's roots. Set it before the first proxy is built.
	RootCAs *x509.CertPool

	mu      sync.Mutex
	clients map[Key]*Client
	gen     uint64
}

// NewPools returns an empty set of pools.
func NewPools() *Pools {
	return &Pools{clients: make(map[Key]*Client), gen: 1}
}

// Client returns the pool for k, creating it on first use, and marks it
// used by the runtime being built.
func (ps *Pools) Client(k Key) *Client {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	h := ps.clients[k]
	if h == nil {
		h = newClient(k, ps.RootCAs)
		ps.clients[k] = h
	}
	h.gen = ps.gen
	return h
}

// Prune forgets the pools that no proxy built since the previous Prune
// uses and closes their idle connections; requests still running on them
// finish normally. cmd/gw calls it after a new runtime is swapped in. It
// returns how many pools were dropped.
func (ps *Pools) Prune() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	dropped := 0
	for k, h := range ps.clients {
		if h.gen != ps.gen {
			h.hc.CloseIdleConnections()
			delete(ps.clients, k)
			dropped++
		}
	}
	ps.gen++
	return dropped
}

// Len returns the number of pools.
func (ps *Pools) Len() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.clients)
}

// CloseIdle closes every idle upstream connection, for shutdown.
func (ps *Pools) CloseIdle() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, h := range ps.clients {
		h.hc.CloseIdleConnections()
	}
}

// newClient configures fasthttp for proxying: names, paths and bodies
// pass untouched. gw uses the client as its connection pool (dial, keep
// idle connections, close them); requests go through RoundTrip, never
// HostClient.Do, so the settings only Do reads (retries, Transport,
// streaming, User-Agent, path normalising) are not set: gw retries itself,
// RoundTrip always streams bodies and sends the request as gw built it.
func newClient(k Key, roots *x509.CertPool) *Client {
	h := &Client{key: k}
	if k.TLS {
		h.tls = clientTLS(k, roots)
	}
	idle := k.KeepaliveTimeout
	if idle <= 0 {
		idle = time.Second // nothing stays idle without keepalive anyway
	}
	h.hc = &fasthttp.HostClient{
		Addr:                          k.Addr,
		Dial:                          h.dial,
		IsTLS:                         k.TLS,
		TLSConfig:                     h.tls,
		MaxConns:                      maxConnsPerPeer,
		MaxIdleConnDuration:           idle,
		ReadBufferSize:                ResponseHeaderMax,
		DisableHeaderNamesNormalizing: true,
		ConnPoolStrategy:              fasthttp.LIFO,
	}
	return h
}

// clientTLS is the TLS configuration of proxy_pass https://: nginx's
// proxy_ssl_verify is off by default; proxy_ssl_server_name decides
// whether SNI is sent; the certificate is checked against proxy_ssl_name;
// proxy_ssl_session_reuse (on by default) lets connections resume sessions.
func clientTLS(k Key, roots *x509.CertPool) *tls.Config {
	cfg := &tls.Config{ServerName: k.ServerName, RootCAs: roots, InsecureSkipVerify: true}
	if !k.NoSessionReuse {
		// nginx's proxy_ssl_session_reuse on: a new connection resumes
		// the session of an earlier one, saving the upstream a full
		// handshake. The cache is the pool's, as the key's name and
		// verification settings are what a session was made under.
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(0)
	}
	if k.VerifyName == "" {
		return cfg // proxy_ssl_verify off
	}
	if k.ServerName == k.VerifyName {
		cfg.InsecureSkipVerify = false
		return cfg
	}
	// The name to verify differs from the SNI (or there is no SNI): check
	// the chain ourselves against verifyName.
	name := k.VerifyName
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("upstream sent no certificate")
		}
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: name, Roots: roots, Intermediates: inter})
		return err
	}
	return cfg
}

// HostClient is the fasthttp client the pool's connections come from.
func (h *Client) HostClient() *fasthttp.HostClient { return h.hc }

// Key is what shapes the pool's connections.
func (h *Client) Key() Key { return h.key }

// Idle returns how many connections the proxy parked in the pool.
func (h *Client) Idle() int64 { return h.idle.Load() }

// Lookup returns the pool for k if there is one, without making one.
func (ps *Pools) Lookup(k Key) *Client {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.clients[k]
}

// Detached returns the registered pool for k when a proxy of a runtime
// uses one, and otherwise a pool of its own that nothing registers: a
// proxy_pass with variables makes peers per request value, and keeps the
// pools of those in a bounded cache of its own (closing them with
// CloseIdle when it drops one) rather than growing the registry until
// the next reload. owned says the caller got such a pool.
func (ps *Pools) Detached(k Key) (c *Client, owned bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if h := ps.clients[k]; h != nil {
		return h, false
	}
	return newClient(k, ps.RootCAs), true
}

// CloseIdle closes the pool's idle connections; requests running on it
// finish normally.
func (h *Client) CloseIdle() { h.hc.CloseIdleConnections() }
