// Package location compiles the plain-data configuration into the two
// matchers every request goes through, in nginx's order:
//
//   - Router: which sockets to bind for the listen directives, and which
//     server block serves a connection's local address and a request's Host
//     (nginx's ngx_http_optimize_servers / ngx_http_find_virtual_server).
//   - Matcher: which location of a server block serves a URI path
//     (nginx's ngx_http_core_find_location).
//
// Both are built once per configuration, are immutable afterwards and safe
// for concurrent use, and allocate nothing per request. The package does no
// I/O and knows nothing about HTTP libraries: callers pass bytes and
// addresses in, and get *conf.Server / *conf.Location back. They take a
// configuration conf has checked (listens that share an address, duplicate
// locations) and do not check it again.
package location
