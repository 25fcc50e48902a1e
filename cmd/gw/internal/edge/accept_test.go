package edge

import (
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/transport"
)

// TestResourceShortage: the accept errors that pause accepting, as Go's
// listener wraps them, and one that does not.
func TestResourceShortage(t *testing.T) {
	wrap := func(e syscall.Errno) error {
		return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", e)}
	}
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM} {
		if !resourceShortage(wrap(e)) {
			t.Errorf("%v is not a shortage", e)
		}
	}
	if resourceShortage(wrap(syscall.EINVAL)) || resourceShortage(net.ErrClosed) {
		t.Error("EINVAL or a closed listener taken for a shortage")
	}
	if got := transport.ErrnoText(wrap(syscall.EMFILE)); got != "24: Too many open files" {
		t.Errorf("errnoText = %q, want nginx's %q", got, "24: Too many open files")
	}
}

// TestConnTableReclaimsTheLongestIdle: a full table makes room by closing
// the connection idle longest, never a busy one; with none idle it
// refuses.
func TestConnTableReclaimsTheLongestIdle(t *testing.T) {
	table := NewTable(3, zerolog.Nop())
	var conns []*Conn
	for i := 0; i < 3; i++ {
		a, b := net.Pipe()
		t.Cleanup(func() { a.Close(); b.Close() })
		c := newConn(a, table, Timeouts{})
		c.idleSince.Store(int64(100 - i)) // the last one idle longest
		if !table.add(c) {
			t.Fatalf("connection %d refused below the limit", i)
		}
		conns = append(conns, c)
	}
	conns[2].setState(fasthttp.StateActive) // busy: never reclaimed
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	fresh := newConn(a, table, Timeouts{})
	if !table.add(fresh) {
		t.Fatal("a full table with idle connections refused a new one")
	}
	if !conns[1].reclaimed.Load() || conns[0].reclaimed.Load() || conns[2].reclaimed.Load() {
		t.Fatalf("reclaimed %v %v %v, want only the idle one idle longest (the second)",
			conns[0].reclaimed.Load(), conns[1].reclaimed.Load(), conns[2].reclaimed.Load())
	}
	conns[0].setState(fasthttp.StateActive)
	fresh.setState(fasthttp.StateActive)
	a2, b2 := net.Pipe()
	defer a2.Close()
	defer b2.Close()
	if table.add(newConn(a2, table, Timeouts{})) {
		t.Fatal("a table of busy connections took one more")
	}
	if n := table.Len(); n != 3 {
		t.Fatalf("table holds %d, want 3", n)
	}
}
