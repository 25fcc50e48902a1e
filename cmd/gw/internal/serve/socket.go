package serve

import (
	"context"
	"fmt"
	"net"
	"syscall"

	"github.com/gw-proxy/gw/location"
	"github.com/gw-proxy/gw/upstream/transport"
)

// listen binds one socket with its listen options. reuseport sets
// SO_REUSEPORT as nginx does. backlog= is accepted but Go's listen uses the
// system's somaxconn, so it has no effect; `gw -t` accepts it for
// compatibility.
func listen(sock location.Socket) (net.Listener, error) {
	// No TCP keep-alive probes on client connections: nginx's default
	// (so_keepalive is off unless listen says otherwise, and gw ignores that
	// parameter). Go would otherwise turn them on for every accepted
	// connection with four setsockopt calls, a tenth of the syscalls of a
	// one-request connection.
	lc := net.ListenConfig{KeepAlive: -1}
	if sock.ReusePort {
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soReusePort, 1)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	ln, err := lc.Listen(context.Background(), sock.Network, sock.Addr)
	if err != nil {
		// nginx's words: bind() to 0.0.0.0:80 failed (98: Address already in use)
		return nil, fmt.Errorf("bind() to %s failed (%s)", sock.Addr, transport.ErrnoText(err))
	}
	return ln, nil
}

// soReusePort is SO_REUSEPORT on Linux (syscall does not export it).
const soReusePort = 0xf
