package tests

import (
	"fmt"
	"sync"
	"testing"
)

// queueConfig has the same two servers behind three upstreams: with a
// queue, without one, and with a queue too short for the load.
const queueConfig = `
error_log stderr warn;
events {}
http {
    access_log off;
    upstream queued {
        server %[2]s max_conns=1;
        server %[3]s;
        session_sticky;
        queue 10 timeout=5s;
    }
    upstream unqueued {
        server %[2]s max_conns=1;
        server %[3]s;
        session_sticky;
    }
    upstream short {
        server %[2]s max_conns=1;
        queue 1 timeout=100ms;
    }
    server {
        listen %[1]s;
        location /q/ { proxy_pass http://queued/; }
        location /nq/ { proxy_pass http://unqueued/; }
        location /short/ { proxy_pass http://short/; }
    }
}
`

// parallel sends n requests for uri at once with cookie, and returns the
// backends and statuses that answered.
func parallel(t *testing.T, gw, uri, cookie string, n int) (backends []string, statuses []int) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := stickyReq(t, "GET", "http://"+gw+uri, cookie)
			mu.Lock()
			backends = append(backends, backendOf(r))
			statuses = append(statuses, r.status)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return backends, statuses
}

// TestQueueKeepsStickyVisitorsOnTheirServer: a browser's parallel
// requests with one cookie, to a server at max_conns=1, all reach that
// server with a queue; without one, some are moved to the other server.
func TestQueueKeepsStickyVisitorsOnTheirServer(t *testing.T) {
	a, b := startDemo(t, "a"), startDemo(t, "b")
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(queueConfig, gw, a, b), gw)
	cookie := "route=" + sid(a)

	backends, statuses := parallel(t, gw, "/q/slow?ms=150", cookie, 4)
	for i := range backends {
		if backends[i] != "a" || statuses[i] != 200 {
			t.Errorf("with a queue: answers %v %v, want four 200s from a", statuses, backends)
			break
		}
	}
	backends, _ = parallel(t, gw, "/nq/slow?ms=150", cookie, 4)
	moved := 0
	for _, be := range backends {
		if be == "b" {
			moved++
		}
	}
	if moved == 0 {
		t.Errorf("without a queue every request stayed on a (%v): the test shows nothing", backends)
	}
}

// TestQueueTimeout: requests that wait longer than the queue's timeout, or
// find it full, get 503.
func TestQueueTimeout(t *testing.T) {
	a, b := startDemo(t, "a"), startDemo(t, "b")
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(queueConfig, gw, a, b), gw)
	_, statuses := parallel(t, gw, "/short/slow?ms=400", "", 3)
	ok, unavailable := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 503:
			unavailable++
		}
	}
	if ok != 1 || unavailable != 2 {
		t.Errorf("statuses %v, want one 200 and two 503 (one timed out, one found the queue full)", statuses)
	}
}
