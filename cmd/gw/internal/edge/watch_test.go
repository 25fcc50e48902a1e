package edge

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

type goneTarget struct{ n atomic.Int32 }

func (g *goneTarget) ClientGone() { g.n.Add(1) }

// connPair returns the server side of a loopback connection, wrapped as gw
// wraps it, and the client side.
func connPair(t *testing.T) (*Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	table := NewTable(16, zerolog.Nop())
	cc := newConn(server, table, Timeouts{Body: time.Second, Send: time.Second})
	if !table.add(cc) {
		t.Fatal("table full")
	}
	return cc, client
}

// TestWatchNoticesTheClientLeaving: a wait watched long enough hears of
// the client's close; one that ends first is never told, and leaves the
// connection readable.
func TestWatchNoticesTheClientLeaving(t *testing.T) {
	cc, client := connPair(t)
	var g goneTarget
	start := time.Now()
	cc.AwaitUpstream(&g)
	waitWatched(t, cc)
	if d := time.Since(start); d < clientWatchDelay-10*time.Millisecond {
		t.Fatalf("watched after %v, before clientWatchDelay", d)
	}
	// The answer comes: the watch stops, the client is still there.
	cc.UpstreamDone()
	if g.n.Load() != 0 {
		t.Fatal("ClientGone for a client that is still there")
	}
	client.Write([]byte("x"))
	cc.Conn.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := cc.Read(make([]byte, 1)); n != 1 || err != nil {
		t.Fatalf("read after the watch: %d %v", n, err)
	}

	// The client leaves during a watched wait.
	cc.AwaitUpstream(&g)
	waitWatched(t, cc)
	client.Close()
	deadline := time.Now().Add(2 * time.Second)
	for g.n.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cc.UpstreamDone()
	if g.n.Load() != 1 {
		t.Fatalf("ClientGone called %d times, want 1", g.n.Load())
	}
}

// waitWatched polls until the table's watcher has started cc's watch.
func waitWatched(t *testing.T, cc *Conn) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for cc.awaitState.Load() != watching {
		if time.Now().After(deadline) {
			t.Fatal("a wait older than clientWatchDelay is not watched")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
