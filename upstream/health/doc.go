// Package health runs active health checks: Tengine's
// ngx_http_upstream_check_module, configured by an upstream's `check`
// directives (conf/check). One checker per checked server probes it on
// its own goroutine and connection, never through the client path, every
// interval (with jitter, so servers are not probed in lock step); fall
// consecutive failures take the server down and rise consecutive
// successes bring it back. The verdict goes to the server's PeerState,
// which balancers, backups, max_conns and session persistence already
// consult through Peer.Available, and which outlives the reloads that keep
// the server; a checker is a PeerState task, so it stops with the reload
// that drops its server.
package health
