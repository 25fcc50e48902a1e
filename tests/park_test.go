package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Idle keep-alive connections are parked (cmd/gw/internal/edge/park.go):
// after half a second without a request gw takes them from its HTTP
// server and holds them without a goroutine or buffers. These tests drive
// the real gw over loopback and read the parked count from gw_status.

const parkConfig = `
error_log stderr info;
events {}
http {
    access_log off;
    server {
        listen %s;
        keepalive_requests 3;
        keepalive_timeout %s;
        location / { return 200 "conn=$connection req=$connection_requests\n"; }
        location = /status { gw_status; }
    }
}
`

// parkedCount reads the number of parked connections from gw_status.
func parkedCount(t *testing.T, a string) int {
	t.Helper()
	r := get(t, a, "", "/status?format=json")
	var doc struct {
		Connections struct {
			Waiting int `json:"waiting"`
			Parked  int `json:"parked"`
		} `json:"connections"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("status: %d %v\n%s", r.status, err, r.body)
	}
	return doc.Connections.Parked
}

// ask sends one GET on rc and returns the response.
func (rc *rawClient) ask(t *testing.T, uri string) rawResponse {
	t.Helper()
	rc.send(t, "GET "+uri+" HTTP/1.1\r\nHost: x\r\n\r\n")
	return rc.mustRead(t, false)
}

func TestIdleConnectionIsParkedAndServedAgain(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(parkConfig, a, "60s"), a)

	rc := dialRaw(t, a)
	first := rc.ask(t, "/")
	if first.status != 200 || !strings.HasSuffix(first.body, "req=1\n") {
		t.Fatalf("first request: %d %q", first.status, first.body)
	}
	waitFor(t, "the idle connection to be parked", func() bool { return parkedCount(t, a) >= 1 })

	// The parked connection is served again, as the same connection:
	// $connection is kept and $connection_requests goes on counting.
	second := rc.ask(t, "/")
	if second.status != 200 || second.body != strings.Replace(first.body, "req=1", "req=2", 1) {
		t.Fatalf("after parking: %d %q (first was %q)", second.status, second.body, first.body)
	}
	if strings.Contains(strings.ToLower(second.head), "connection: close") {
		t.Fatalf("the second of keepalive_requests 3 closes:\n%s", second.head)
	}
	// keepalive_requests counts across the parking: the third request
	// is the last, whether or not the connection was parked between.
	waitFor(t, "the connection to be parked again", func() bool { return parkedCount(t, a) >= 1 })
	third := rc.ask(t, "/")
	if !strings.HasSuffix(third.body, "req=3\n") || !strings.Contains(strings.ToLower(third.head), "connection: close") {
		t.Fatalf("third request: %q\n%s", third.body, third.head)
	}
	if !rc.closedWithin(2 * time.Second) {
		t.Fatal("the connection stayed open after keepalive_requests")
	}
}

func TestParkedConnectionClosesAtKeepaliveTimeout(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(parkConfig, a, "1500ms"), a)

	rc := dialRaw(t, a)
	if r := rc.ask(t, "/"); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	start := time.Now()
	waitFor(t, "the idle connection to be parked", func() bool { return parkedCount(t, a) >= 1 })
	if !rc.closedWithin(3 * time.Second) {
		t.Fatal("a parked connection outlived keepalive_timeout")
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("closed after %v, before keepalive_timeout 1.5s", d)
	}
	waitFor(t, "no connection parked", func() bool { return parkedCount(t, a) == 0 })
}

// A graceful stop waits for requests in flight, not for idle clients: a
// parked connection is closed, and gw exits at once.
func TestGracefulStopClosesParkedConnections(t *testing.T) {
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(parkConfig, a, "60s"), a)

	rc := dialRaw(t, a)
	if r := rc.ask(t, "/"); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	waitFor(t, "the idle connection to be parked", func() bool { return parkedCount(t, a) >= 1 })
	if err := p.cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	if !rc.closedWithin(3 * time.Second) {
		t.Fatal("a parked connection stayed open after SIGQUIT")
	}
	select {
	case <-p.exited:
	case <-time.After(3 * time.Second):
		t.Fatalf("gw did not exit after SIGQUIT with only a parked connection:\n%s", p.stderr)
	}
}

// Many idle connections park and all of them are served again when their
// clients come back at once, each on its own connection.
func TestManyParkedConnectionsWake(t *testing.T) {
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(parkConfig, a, "60s"), a)

	const n = 50
	clients := make([]*rawClient, n)
	conns := make(map[string]bool)
	for i := range clients {
		clients[i] = dialRaw(t, a)
		r := clients[i].ask(t, "/")
		conns[strings.Fields(r.body)[0]] = true
	}
	if len(conns) != n {
		t.Fatalf("%d distinct $connection values for %d connections", len(conns), n)
	}
	waitFor(t, "every idle connection to be parked", func() bool { return parkedCount(t, a) >= n })
	for _, rc := range clients {
		rc.send(t, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	for i, rc := range clients {
		r := rc.mustRead(t, false)
		if r.status != 200 || !strings.HasSuffix(r.body, "req=2\n") || !conns[strings.Fields(r.body)[0]] {
			t.Fatalf("client %d after parking: %d %q", i, r.status, r.body)
		}
	}
}
