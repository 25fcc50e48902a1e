package serve

import (
	"net"
	"syscall"
	"testing"

	"github.com/gw-proxy/gw/location"
)

// TestAcceptedConnectionsHaveNoKeepaliveProbes: nginx leaves SO_KEEPALIVE
// off on client connections unless told otherwise; Go's listener would turn
// it on (with three more setsockopt calls per connection).
func TestAcceptedConnectionsHaveNoKeepaliveProbes(t *testing.T) {
	ln, err := listen(location.Socket{Addr: "127.0.0.1:0", Network: "tcp4"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			defer c.Close()
			_, _ = c.Read(make([]byte, 1)) // until the test closes its end
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var on int
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		on, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
	}); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	if on != 0 {
		t.Errorf("SO_KEEPALIVE is %d on an accepted client connection, want 0 (nginx's so_keepalive=off)", on)
	}
}
