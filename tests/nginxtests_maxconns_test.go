package tests

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// holdBackend is nginx-tests upstream_max_conns.t's http_daemon: on each
// of its ports it answers every request with a head naming the port and
// "OK", then holds the connection open (the body runs until close), so
// the upstream connection stays busy, until closeAll. A URI holding
// "close" is answered and closed at once.
type holdBackend struct {
	lns []net.Listener

	mu   sync.Mutex
	held []net.Conn
}

func startHoldBackend(t *testing.T, ports int) *holdBackend {
	t.Helper()
	b := &holdBackend{}
	for range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b.lns = append(b.lns, ln)
		go b.accept(ln)
	}
	t.Cleanup(func() {
		for _, ln := range b.lns {
			ln.Close()
		}
		b.closeAll()
	})
	return b
}

func (b *holdBackend) port(i int) string {
	return fmt.Sprint(b.lns[i].Addr().(*net.TCPAddr).Port)
}

func (b *holdBackend) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go b.serve(c)
	}
}

func (b *holdBackend) serve(c net.Conn) {
	head, err := readHead(bufio.NewReader(c))
	if err != nil || head == "" {
		c.Close()
		return
	}
	port := c.LocalAddr().(*net.TCPAddr).Port
	if strings.Contains(firstLine(head), "close") {
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Port: %d\r\n\r\nOK\n", port)
		c.Close()
		return
	}
	// Held before it is answered: a closeAll that comes once the answer
	// is seen must find it.
	b.mu.Lock()
	b.held = append(b.held, c)
	b.mu.Unlock()
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Port: %d\r\n\r\nOK\n", port)
}

// closeAll ends every held response, as the original's /closeall does.
func (b *holdBackend) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.held {
		c.Close()
	}
	b.held = nil
}

// ngxMaxConnsConfig is upstream_max_conns.t's configuration: %[1]s is gw,
// %[2]s and %[3]s the backend's ports, %[4]s gw's second server, which
// closes every connection unanswered (the original's port 8084).
const ngxMaxConnsConfig = `
events {}
http {
    upstream u_unlim { server 127.0.0.1:%[2]s max_conns=0; server 127.0.0.1:%[3]s; }
    upstream u_lim { server 127.0.0.1:%[2]s max_conns=3; }
    upstream u_backup { server 127.0.0.1:%[2]s max_conns=2; server 127.0.0.1:%[3]s backup; }
    upstream u_backup_lim { server 127.0.0.1:%[2]s max_conns=2; server 127.0.0.1:%[3]s backup max_conns=3; }
    upstream u_two { server 127.0.0.1:%[2]s max_conns=1; server 127.0.0.1:%[3]s max_conns=1; }
    upstream u_some { server 127.0.0.1:%[2]s max_conns=1; server 127.0.0.1:%[3]s; }
    upstream u_many {
        server 127.0.0.1:%[2]s max_conns=1;
        server 127.0.0.1:%[2]s max_conns=1;
        server 127.0.0.1:%[3]s;
    }
    upstream u_weight { server 127.0.0.1:%[2]s weight=2 max_conns=1; server 127.0.0.1:%[3]s; }
    upstream u_pnu {
        server %[4]s;
        server 127.0.0.1:%[2]s max_conns=1;
        server 127.0.0.1:%[3]s max_conns=2;
    }
    upstream u_lc { least_conn; server 127.0.0.1:%[2]s max_conns=1; server 127.0.0.1:%[3]s; }
    upstream u_lc_backup { least_conn; server 127.0.0.1:%[2]s max_conns=2; server 127.0.0.1:%[3]s backup; }
    upstream u_lc_backup_lim {
        least_conn;
        server 127.0.0.1:%[2]s max_conns=2;
        server 127.0.0.1:%[3]s backup max_conns=3;
    }
    upstream u_ih { ip_hash; server 127.0.0.1:%[2]s max_conns=1; server 127.0.0.1:%[3]s max_conns=2; }
    upstream u_hash { hash $remote_addr; server 127.0.0.1:%[2]s max_conns=1; server 127.0.0.1:%[3]s max_conns=2; }
    upstream u_chash {
        hash $remote_addr consistent;
        server 127.0.0.1:%[2]s max_conns=1;
        server 127.0.0.1:%[3]s max_conns=2;
    }

    server {
        listen %[4]s;
        location / { return 444; }
    }
    server {
        listen %[1]s;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_buffering off;
        location /u { proxy_pass http:/$uri; }
        location = /status { gw_status; }
    }
}
`

// TestNginxUpstreamMaxConns restates nginx-tests upstream_max_conns.t:
// held requests count against a server's max_conns, a full server is
// passed over (to a backup, or to 502 when none is left), and every
// balancer honours the limit. The original's /closeall request to its
// daemon is a call here.
func TestNginxUpstreamMaxConns(t *testing.T) {
	a := addr(freePort(t))
	be := startHoldBackend(t, 2)
	p1, p2 := be.port(0), be.port(1)
	startGW(t, fmt.Sprintf(ngxMaxConnsConfig, a, p1, p2, addr(freePort(t))), a)
	ports := []string{p1, p2}

	// start sends a request on a new connection; wait, when set, waits
	// up to that long for its answer to begin (the original's can_read).
	start := func(uri string, wait time.Duration) *rawClient {
		rc := dialRaw(t, a)
		rc.send(t, ngxRequest("GET "+uri))
		if wait > 0 {
			_ = rc.c.SetReadDeadline(time.Now().Add(wait))
			_, _ = rc.br.Peek(1)
		}
		return rc
	}
	// port reads an answer to its end and returns its X-Port.
	port := func(rc *rawClient) string {
		r, _ := rc.read(5*time.Second, false)
		rc.c.Close()
		return headerValue(r.head, "X-Port")
	}
	// endAll ends the held answers and tallies the ports that answered
	// (the original's http_end_multi).
	endAll := func(rcs []*rawClient) string {
		be.closeAll()
		counts := map[string]int{}
		for _, rc := range rcs {
			if p := port(rc); p != "" {
				counts[p]++
			}
		}
		return renderTally(counts, ports)
	}
	// parallel sends count requests at once, lets them reach the
	// backend, then ends them and tallies the ports that answered.
	parallel := func(uri string, count int) string {
		var rcs []*rawClient
		for range count {
			rcs = append(rcs, start(uri, 0))
		}
		for _, rc := range rcs {
			_ = rc.c.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, _ = rc.br.Peek(1)
		}
		return endAll(rcs)
	}
	// peers sends count requests one after another, each once the one
	// before it was answered or refused, and lists the ports in order.
	peers := func(uri string, count int) string {
		var rcs []*rawClient
		for range count {
			rcs = append(rcs, start(uri, 1100*time.Millisecond))
		}
		be.closeAll()
		var out []string
		for _, rc := range rcs {
			out = append(out, port(rc))
		}
		return strings.Join(out, " ")
	}
	tally := func(pairs ...any) string {
		var parts []string
		for i := 0; i < len(pairs); i += 2 {
			parts = append(parts, fmt.Sprintf("%s: %d", pairs[i], pairs[i+1]))
		}
		return strings.Join(parts, ", ")
	}

	for _, c := range []struct {
		name string
		got  func() string
		want string
	}{
		{"unlimited", func() string { return parallel("/u_unlim?delay=0", 4) }, tally(p1, 2, p2, 2)},
		{"conn subtraction", func() string {
			rcs := []*rawClient{start("/u_lim", 1100*time.Millisecond), start("/u_lim", 1100*time.Millisecond)}
			port(start("/u_lim/close", 0))
			rcs = append(rcs, start("/u_lim", 1100*time.Millisecond))
			return endAll(rcs)
		}, tally(p1, 3)},
		{"single", func() string { return parallel("/u_lim", 4) }, tally(p1, 3)},
		{"backup", func() string { return peers("/u_backup", 6) }, strings.Join([]string{p1, p1, p2, p2, p2, p2}, " ")},
		{"backup limited", func() string { return peers("/u_backup_lim", 6) }, strings.Join([]string{p1, p1, p2, p2, p2, ""}, " ")},
		{"all peers", func() string { return parallel("/u_two", 4) }, tally(p1, 1, p2, 1)},
		{"some peers", func() string { return parallel("/u_some", 4) }, tally(p1, 1, p2, 3)},
		{"weight", func() string { return parallel("/u_weight", 4) }, tally(p1, 1, p2, 3)},
		{"equal peer", func() string { return parallel("/u_many", 6) }, tally(p1, 2, p2, 4)},
		{"proxy_next_upstream", func() string { return parallel("/u_pnu", 4) }, tally(p1, 1, p2, 2)},
		{"least_conn", func() string { return parallel("/u_lc", 4) }, tally(p1, 1, p2, 3)},
		{"least_conn backup", func() string { return peers("/u_lc_backup", 6) }, strings.Join([]string{p1, p1, p2, p2, p2, p2}, " ")},
		{"least_conn backup limited", func() string { return peers("/u_lc_backup_lim", 6) }, strings.Join([]string{p1, p1, p2, p2, p2, ""}, " ")},
		{"ip_hash", func() string { return parallel("/u_ih", 4) }, tally(p1, 1, p2, 2)},
		{"hash", func() string { return parallel("/u_hash", 4) }, tally(p1, 1, p2, 2)},
		{"hash consistent", func() string { return parallel("/u_chash", 4) }, tally(p1, 1, p2, 2)},
	} {
		t.Run("upstream_max_conns.t: "+c.name, func(t *testing.T) {
			upstreamsIdle(t, a)
			if got := c.got(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// upstreamsIdle waits until gw counts no request in flight to any
// upstream server: the requests of the case before have ended on gw's side
// too, not only on the client's, so their max_conns slots are free. (The
// original gets the same from its daemon's sequencing.)
func upstreamsIdle(t *testing.T, a string) {
	t.Helper()
	var doc struct {
		Upstreams []struct {
			Servers []struct {
				Address string `json:"address"`
				Active  int64  `json:"active"`
			} `json:"servers"`
		} `json:"upstreams"`
	}
	var last string
	defer func() {
		if t.Failed() {
			t.Logf("gw_status: %s", last)
		}
	}()
	waitFor(t, "no request in flight to the upstreams", func() bool {
		r := exchange(t, a, ngxRequest("GET /status?format=json"))
		last = r.body
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatalf("gw_status: %d %v\n%s", r.status, err, r.body)
		}
		for _, u := range doc.Upstreams {
			for _, s := range u.Servers {
				if s.Active != 0 {
					return false
				}
			}
		}
		return true
	})
}
