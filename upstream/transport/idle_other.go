//go:build !unix

package transport

import "net"

// quiet cannot look at the socket here: the connection is reused as it is.
func (c *Conn) quiet() bool { return true }

// CanWaitReadable tells whether WaitReadable can wait here.
const CanWaitReadable = false

// WaitReadable cannot wait for a socket here: it fails at once.
func WaitReadable(c net.Conn) error { return errNotSocket }
