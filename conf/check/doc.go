// Package check is the configuration side of active health checks, in
// Tengine's ngx_http_upstream_check_module syntax. It owns the upstream
// block's `check` directive and its companions check_http_send,
// check_http_expect_alive and check_keepalive_requests (plus gw's
// check_http_expect_body), read in any order into one Config with Tengine's
// defaults, words and refusals (Block); and a location's `check_status`
// (StatusPage).
//
// It is plain data and pure parsing: the checker that probes the servers
// and the status page that reports them are elsewhere, and take Config and
// StatusPage as they are. Package conf's directive table hands the
// directives here through conf/upstream.
package check
