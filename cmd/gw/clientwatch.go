package main

import (
	"errors"
	"syscall"
	"time"
)

// WatchClose blocks until the client closes or resets its connection, or
// until stop is closed; it reports whether the client left. The proxy calls
// it (upstream.ClientWatcher) while it waits for an upstream's answer and
// nothing else reads the connection, to abandon a request nobody waits for
// any more, as nginx does with proxy_ignore_client_abort off.
//
// It peeks (MSG_PEEK) at the TCP connection when it becomes readable: no
// byte is consumed, so data the client sent meanwhile (a pipelined
// request, a TLS alert) stays for whoever reads next, and proves the
// client is still there. A half-close counts as leaving, as it does for
// nginx.
func (c *clientConn) WatchClose(stop <-chan struct{}) bool {
	sc, ok := c.raw.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	// A close of stop interrupts the wait with a past read deadline.
	done := make(chan struct{})
	interrupted := make(chan bool, 1)
	go func() {
		select {
		case <-stop:
			_ = c.raw.SetReadDeadline(time.Unix(1, 0))
			interrupted <- true
		case <-done:
			interrupted <- false
		}
	}()
	left := false
	var buf [1]byte
	_ = rc.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case errors.Is(rerr, syscall.EAGAIN), errors.Is(rerr, syscall.EINTR):
			return false // nothing yet: wait until readable
		case rerr != nil:
			left = true // reset
		case n == 0:
			left = true // closed (or half-closed)
		}
		return true
	})
	close(done)
	if <-interrupted {
		// The past deadline must not outlive the watch: the next read
		// sets the deadline of its phase again.
		_ = c.raw.SetReadDeadline(time.Time{})
		c.readBy.Clear()
	}
	return left
}
