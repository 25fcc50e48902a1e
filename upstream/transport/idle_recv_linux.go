//go:build linux && !386

package transport

import (
	"syscall"
	"unsafe"
)

// recvPeek peeks at one byte without blocking and returns the errno (0:
// a byte, or the close). It is a raw system call: one that cannot block
// needs none of the scheduler's bookkeeping around it, which costs more
// user-space instructions than the call itself.
func recvPeek(fd uintptr, buf *[1]byte) syscall.Errno {
	_, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(buf)), 1,
		syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
	return e
}
