//go:build unix && !(linux && !386)

package transport

import "syscall"

// recvPeek peeks at one byte and returns the errno (0: a byte, or the
// close). Go's sockets are non-blocking: it returns EAGAIN at once when
// nothing is there.
func recvPeek(fd uintptr, buf *[1]byte) syscall.Errno {
	_, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK)
	if en, ok := err.(syscall.Errno); ok {
		return en
	}
	return 0
}
