//go:build !linux

package edge

import "github.com/gw-proxy/gw/upstream/transport"

// parkSupported: a parked connection waits in a goroutine of its own
// (transport.WaitReadable), where there is a socket to wait on.
const parkSupported = transport.CanWaitReadable

// waitReadable starts the goroutine that waits for c to be readable and
// wakes it, or closes it when the wait fails (its socket was closed, its
// read deadline expired).
func (c *Conn) waitReadable() bool {
	go func() {
		if err := transport.WaitReadable(c.raw); err != nil {
			c.park.Store(parkNone)
			_ = c.Close()
			return
		}
		c.wake()
	}()
	return true
}

// unwait cannot take c from its goroutine's wait: closeParked closes its
// socket, which ends the wait, and the goroutine closes c.
func (c *Conn) unwait() bool { return false }
