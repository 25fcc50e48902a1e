// Package transport carries gw's requests to its upstreams: one connection
// pool per peer and pool-shaping settings (Pools, Client, Key), the
// connection wrapper that gives proxy_read_timeout and proxy_send_timeout
// nginx's meaning and refuses to reuse a connection on which anything
// arrived while it was idle (Conn), the round trip that sends a request
// and reads the response header, checking its framing first (RoundTrip,
// ReadResponseHead), and the coarse clock and lazy deadlines it shares
// with the client side (CoarseNow, IdleDeadline). It renders system errors
// the way nginx prints them (ErrnoText, AppendErrno).
//
// It knows nothing of peers, balancers or retries: the proxy decides where
// a request goes and what a failure means.
package transport
