//go:build unix

package transport

import (
	"net"
	"syscall"
)

// quiet looks at the socket: nothing to read and no FIN or reset queued.
// The RawConn and the bound peek are made on the first look, so that a
// connection that is never reused costs nothing.
func (c *Conn) quiet() bool {
	k := &c.check
	if k.peekFn == nil {
		sc, ok := c.Conn.(syscall.Conn)
		if !ok {
			return true
		}
		raw, err := sc.SyscallConn()
		if err != nil {
			return true
		}
		k.raw, k.peekFn = raw, c.peek
	}
	if k.raw.Control(k.peekFn) != nil {
		return false
	}
	return k.quiet
}

// peek is one recv(MSG_PEEK) of a byte, which returns at once: EAGAIN
// when nothing is there, 0 bytes for the upstream's close, else bytes or
// an error.
func (c *Conn) peek(fd uintptr) {
	c.check.quiet = recvPeek(fd, &c.check.buf) == syscall.EAGAIN
}

// CanWaitReadable tells whether WaitReadable can wait here.
const CanWaitReadable = true

// WaitReadable blocks until c has a byte to read or its peer closed it,
// in the runtime's poller and with no buffer, or until c's read deadline
// or its close, whose error it returns. edge parks idle client
// connections with it.
func WaitReadable(c net.Conn) error {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return errNotSocket
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	var buf [1]byte
	var e syscall.Errno
	err = raw.Read(func(fd uintptr) bool {
		e = recvPeek(fd, &buf)
		return e != syscall.EAGAIN && e != syscall.EINTR
	})
	if err == nil && e != 0 {
		err = e
	}
	return err
}
