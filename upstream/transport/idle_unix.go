//go:build unix

package transport

import "syscall"

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
