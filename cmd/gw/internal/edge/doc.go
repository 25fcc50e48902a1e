// Package edge owns what crosses gw's client edge before a request reaches
// the handler: accepting connections (surviving EMFILE and its kin),
// counting them against worker_connections and reclaiming idle ones,
// nginx's client timeouts, bare-LF header lines, the strict checks that
// refuse ambiguous requests (HeaderReceived, Classify), and the watch that
// notices a client leaving while the proxy waits for an upstream.
//
// fasthttp serves the connections edge hands it: Listener wraps the
// listening socket, Conn each accepted connection, and ConnState and
// HeaderReceived are the fasthttp.Server hooks that keep them informed.
package edge
