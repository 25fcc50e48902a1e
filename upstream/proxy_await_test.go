package upstream

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// awaitConn dials a raw backend and wraps the connection as the pool does.
func awaitConn(t *testing.T, read time.Duration, serve func(c net.Conn)) *upConn {
	t.Helper()
	raw, err := net.Dial("tcp", pxRawBackend(t, serve))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	c := newUpConn(raw, read, time.Second, nil)
	if c.rc == nil {
		t.Fatal("a TCP connection got no RawConn: writeAwaitingReply would never run")
	}
	return c
}

func TestWriteAwaitingReplyReturnsWhenTheReplyIsThere(t *testing.T) {
	const delay = 80 * time.Millisecond
	c := awaitConn(t, time.Second, func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		time.Sleep(delay)
		_, _ = c.Write(append([]byte("re:"), buf...))
	})
	c.awaitReply = true
	start := time.Now()
	if n, err := c.Write([]byte("hello")); n != 5 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if took := time.Since(start); took < delay-10*time.Millisecond {
		t.Fatalf("Write returned after %v, before the reply (sent after %v)", took, delay)
	}
	if c.awaitReply {
		t.Error("awaitReply is still set after the write it was for")
	}
	start = time.Now()
	buf := make([]byte, 16)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "re:hello" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	if took := time.Since(start); took > 50*time.Millisecond {
		t.Errorf("the reply was not there when Write returned: Read took %v", took)
	}

	// The next Write without the mark is an ordinary one: it returns at
	// once although nothing will ever answer it.
	start = time.Now()
	if _, err := c.Write([]byte("again")); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 50*time.Millisecond {
		t.Errorf("an unmarked Write waited %v", took)
	}
}

func TestWriteAwaitingReplyLargerThanTheSocketTakes(t *testing.T) {
	// The backend reads nothing for a while, so the non-blocking write
	// meets a full socket buffer (EAGAIN); the rest must go out the
	// ordinary way, whole and in order.
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	got := make(chan []byte, 1)
	c := awaitConn(t, 5*time.Second, func(c net.Conn) {
		defer c.Close()
		time.Sleep(100 * time.Millisecond)
		buf := make([]byte, len(payload))
		if _, err := io.ReadFull(c, buf); err != nil {
			got <- nil
			return
		}
		got <- buf
		_, _ = c.Write([]byte("ok"))
	})
	c.awaitReply = true
	if n, err := c.Write(payload); n != len(payload) || err != nil {
		t.Fatalf("Write = %d of %d, %v", n, len(payload), err)
	}
	if b := <-got; !bytes.Equal(b, payload) {
		t.Fatalf("the backend received %d bytes, not the %d sent in order", len(b), len(payload))
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ok" {
		t.Fatalf("reply %q, %v", buf, err)
	}
}

func TestWriteAwaitingReplyLeavesTheTimeoutToRead(t *testing.T) {
	const timeout = 150 * time.Millisecond
	c := awaitConn(t, timeout, func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c) // never answers
	})
	c.awaitReply = true
	start := time.Now()
	if n, err := c.Write([]byte("GET / HTTP/1.1\r\n\r\n")); n != 18 || err != nil {
		t.Fatalf("Write = %d, %v: the request was sent, the silence is the read's to report", n, err)
	}
	_, err := c.Read(make([]byte, 8))
	took := time.Since(start)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read after a silent upstream: %v, want a deadline error", err)
	}
	if took < timeout-10*time.Millisecond || took > timeout+time.Second {
		t.Errorf("timed out after %v, want about %v", took, timeout)
	}
	if c.failedOp.Load() != opRead {
		t.Errorf("failed operation %d, want the read", c.failedOp.Load())
	}
}

func TestWriteAwaitingReplyOnAClosedConnection(t *testing.T) {
	c := awaitConn(t, time.Second, func(c net.Conn) { _ = c.Close() })
	_ = c.Conn.Close()
	c.awaitReply = true
	if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Write on a closed connection: %v, want net.ErrClosed", err)
	}
	if c.failedOp.Load() != opWrite {
		t.Errorf("failed operation %d, want the write", c.failedOp.Load())
	}
}

func TestWriteAwaitingReplyToAPeerThatReset(t *testing.T) {
	// A kept-alive connection the upstream has reset: the write fails or
	// the reply read does; either way an error, never a hang.
	dialed, reset := make(chan struct{}), make(chan struct{})
	c := awaitConn(t, 2*time.Second, func(c net.Conn) {
		<-dialed
		_ = c.(*net.TCPConn).SetLinger(0)
		_ = c.Close() // RST
		close(reset)
	})
	close(dialed)
	<-reset
	time.Sleep(20 * time.Millisecond) // let the RST arrive
	c.awaitReply = true
	start := time.Now()
	_, werr := c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	var rerr error
	if werr == nil {
		_, rerr = c.Read(make([]byte, 8))
	}
	if werr == nil && rerr == nil {
		t.Fatal("no error from a reset connection")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v to notice the reset", took)
	}
}
