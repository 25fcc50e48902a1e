package edge

import (
	"io"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// The reaper asks an idle connection to park by expiring fasthttp's read:
// the read that times out with nothing of a request received ends the
// stream for fasthttp, and the connection is parked.
func TestAskedIdleConnectionParks(t *testing.T) {
	c, _ := connPair(t)
	c.setState(fasthttp.StateIdle)
	c.askPark(c.idleSince.Load() + int64(parkAfter) + 1)
	if n, err := c.Read(make([]byte, 16)); n != 0 || err != io.EOF {
		t.Fatalf("read while asked to park: %d, %v; want 0, EOF", n, err)
	}
	if c.park.Load() != parked {
		t.Fatalf("park state %d, want parked", c.park.Load())
	}
}

// Bytes already there when the reaper asks are not lost: the read that
// fails only because of the parking deadline while a request is under way
// (fasthttp had its start buffered) is made again and returns them.
func TestParkRequestCancelledByARequestUnderWay(t *testing.T) {
	c, client := connPair(t)
	c.setState(fasthttp.StateIdle)
	c.askPark(c.idleSince.Load() + int64(parkAfter) + 1)
	c.setState(fasthttp.StateActive) // fasthttp found a request in its buffer
	if _, err := client.Write([]byte("body")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let the bytes reach the socket
	buf := make([]byte, 16)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "body" {
		t.Fatalf("read during a request: %q, %v", buf[:n], err)
	}
	if c.park.Load() != parkNone {
		t.Fatalf("park state %d after the cancel, want none", c.park.Load())
	}
	// The cancel cleared the deadline: a later read waits for bytes.
	go func() { time.Sleep(50 * time.Millisecond); _, _ = client.Write([]byte("more")) }()
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "more" {
		t.Fatalf("later read: %q, %v", buf[:n], err)
	}
}

// Bytes that arrive with the request to park cancel it when the read
// returns them.
func TestParkRequestCancelledByArrivingBytes(t *testing.T) {
	c, client := connPair(t)
	c.setState(fasthttp.StateIdle)
	if _, err := client.Write([]byte("GET")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let the bytes reach the socket
	c.park.Store(parkAsked)           // asked, but the read had already begun
	buf := make([]byte, 16)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "GET" || c.park.Load() != parkNone {
		t.Fatalf("read: %q, %v, park state %d", buf[:n], err, c.park.Load())
	}
}

// A wave of parking ends with one release of memory, not one per pass,
// and releases are spaced by releaseEvery.
func TestReleaseAfterAWaveOfParking(t *testing.T) {
	var r release
	now := int64(time.Hour)
	r.parked(releaseAfter/2, now)
	r.parked(releaseAfter/2, now+1)
	if r.last != 0 {
		t.Fatal("released while connections were still parking")
	}
	r.parked(0, now+2)
	if r.last != now+2 || r.since != 0 {
		t.Fatalf("no release when the wave ended: last %d, since %d", r.last, r.since)
	}
	r.parked(releaseAfter, now+3)
	r.parked(0, now+4)
	if r.last != now+2 {
		t.Fatal("released again within releaseEvery")
	}
	r.parked(0, now+2+int64(releaseEvery))
	if r.last != now+2+int64(releaseEvery) {
		t.Fatal("no release once releaseEvery passed")
	}
}

// The reaper's request to park is checked again when it is made: a
// connection that served a request since the scan is left alone.
func TestAskParkRechecksTheIdleTime(t *testing.T) {
	c, _ := connPair(t)
	c.setState(fasthttp.StateIdle)
	c.askPark(c.idleSince.Load() + int64(parkAfter)/2)
	if c.park.Load() != parkNone {
		t.Fatal("asked to park a connection idle for less than parkAfter")
	}
}
