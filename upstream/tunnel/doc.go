// Package tunnel splices an upgraded connection (WebSocket, or any
// protocol a 101 switches to) with the client's: bytes copied both ways as
// they come, a clean end of one direction passed on as a half-close, the
// tunnel ended when both directions have, when either fails, after
// proxy_read_timeout without a byte either way, or when a stop closes it
// (Tunnels, the process's registry). The handshake that opens a tunnel is
// the proxy's.
package tunnel
