// Package proxy is proxy_pass: a location's compiled proxy (Proxy, built
// per runtime by Builder) and the exchange that serves one request with
// it. The exchange builds the upstream request (URI, headers, the body
// streamed or spooled through package body), runs the one retry loop
// (session persistence from upstream/persist or the balancer picks a
// peer, the request goes out through upstream/transport, the outcome is
// classified for passive health and proxy_next_upstream), and hands the
// response to the client (headers rewritten, the persistence's cookie
// written, the body streamed). It also owns the WebSocket handshake (the
// splice itself is upstream/tunnel's) and the client-abort watch's
// upstream side.
package proxy
