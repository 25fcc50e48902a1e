// Package serve is gw's serving runtime. A Server loads a configuration
// into a runtime (the compiled server blocks, locations and proxies), binds
// its sockets, serves it through fasthttp, and on Reload builds the next
// runtime to the side and swaps it in without dropping a request. It owns
// what outlives a runtime (connection pools, peer state, open tunnels, the
// client connection table, the log files) and answers every request: the
// handler, return, error_page and built-in pages, HTTP/1.0 framing, the
// access log.
//
// cmd/gw keeps the process: flags, signals, the pid file.
package serve
