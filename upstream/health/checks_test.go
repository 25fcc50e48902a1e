package health

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf/check"
	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/upstream"
)

// syncBuf is a log sink the checkers write to from their goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// httpCheck is a fast HTTP check: 20ms apart, down after 2 failures, up
// after 2 successes.
func httpCheck() *check.Config {
	return &check.Config{
		Interval: 20 * time.Millisecond, Fall: 2, Rise: 2, Timeout: 200 * time.Millisecond,
		Type: check.HTTP, Send: []byte("GET /health HTTP/1.0\r\n\r\n"),
		Expect: check.Status2xx | check.Status3xx, KeepaliveRequests: 1,
	}
}

// fixture is one upstream of one server at addr, its state in a store.
func fixture(t *testing.T, addr string) (*upstream.Upstream, *upstream.StateStore) {
	t.Helper()
	store := upstream.NewStateStore()
	u, err := upstream.NewUpstream(&upstreamconf.Config{Name: "app", Servers: []*upstreamconf.Server{
		{Name: addr, Addr: addr, Weight: 1, MaxFails: 1, FailTimeout: 10 * time.Second},
		{Name: "10.255.255.1:80", Addr: "10.255.255.1:80", Weight: 1, MaxFails: 1, FailTimeout: 10 * time.Second},
	}}, store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return u, store
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An HTTP check takes a server that answers 503 down, and brings it back
// once it answers 200 again, logging each transition once.
func TestHTTPCheckDownAndUp(t *testing.T) {
	var status atomic.Int64
	status.Store(200)
	var probes atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		probes.Add(1)
		if r.URL.Path != "/health" {
			t.Errorf("probe of %s", r.URL.Path)
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	u, _ := fixture(t, addr)
	var log syncBuf
	lg := zerolog.New(&log)
	checks := New()
	cfg := httpCheck()
	cfg.DefaultDown = false
	checks.Apply([]Target{{State: u.Peers[0].State(), Upstream: "app", Addr: addr, Check: cfg, Log: &lg}})
	p := u.Peers[0]
	waitFor(t, "the first probes", func() bool { return probes.Load() >= 2 })
	if !p.Available(time.Now()) {
		t.Fatal("a healthy server is down")
	}
	status.Store(503)
	waitFor(t, "the server to go down", func() bool { return !p.Available(time.Now()) })
	if h := p.State().Health(); h.Reason != "HTTP 503" || !h.Down {
		t.Errorf("health %+v", h)
	}
	status.Store(200)
	waitFor(t, "the server to come back", func() bool { return p.Available(time.Now()) })
	out := log.String()
	down := `upstream server ` + addr + ` in upstream \"app\" is down: check: HTTP 503`
	up := `upstream server ` + addr + ` in upstream \"app\" is up`
	if strings.Count(out, down) != 1 || strings.Count(out, up) != 1 || !strings.Contains(out, `"level":"warn"`) {
		t.Errorf("log:\n%s\nwant once each: %s / %s", out, down, up)
	}
}

// default_down keeps a new server out until it passes rise probes; a
// refused connection and a hung server are failures.
func TestCheckFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hung := ln.Addr().String()
	defer ln.Close()
	go func() { // accept and never answer
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		a := l.Addr().String()
		l.Close()
		return a
	}()
	for _, tc := range []struct{ name, addr, reason string }{
		{"refused", refused, "connect() failed (111: Connection refused)"},
		{"hung", hung, "recv() failed (timed out)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := fixture(t, tc.addr)
			lg := zerolog.Nop()
			cfg := httpCheck()
			cfg.Timeout = 50 * time.Millisecond
			New().Apply([]Target{{State: u.Peers[0].State(), Upstream: "app", Addr: tc.addr, Check: cfg, Log: &lg}})
			waitFor(t, "two failed probes", func() bool { return u.Peers[0].State().Health().Fall >= 2 })
			if h := u.Peers[0].State().Health(); !h.Down || h.Reason != tc.reason {
				t.Errorf("health %+v, want down for %q", h, tc.reason)
			}
		})
	}
}

// acceptor listens on a loopback port and closes every connection at
// once, counting them: a server a tcp check passes on.
func acceptor(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := new(atomic.Int64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), accepted
}

// type=tcp passes on a connection; default_down holds the server out
// until rise probes passed.
func TestTCPCheckDefaultDown(t *testing.T) {
	addr, accepted := acceptor(t)
	u, _ := fixture(t, addr)
	cfg := &check.Config{Interval: 20 * time.Millisecond, Fall: 1, Rise: 3, Timeout: 100 * time.Millisecond, DefaultDown: true, Type: check.TCP}
	lg := zerolog.Nop()
	New().Apply([]Target{{State: u.Peers[0].State(), Upstream: "app", Addr: addr, Check: cfg, Log: &lg}})
	if u.Peers[0].Available(time.Now()) {
		t.Fatal("default_down: available before any probe")
	}
	waitFor(t, "rise probes", func() bool { return u.Peers[0].Available(time.Now()) })
	if n := accepted.Load(); n < 3 {
		t.Errorf("up after %d probes, want rise=3", n)
	}
}

// A reload that keeps a checked server keeps its checker (no second one)
// and its verdict; one that drops its check stops the checker and hands
// the server back to passive health; one that drops the server stops the
// checker through its state's tasks.
func TestApplyAcrossReloads(t *testing.T) {
	addr, accepted := acceptor(t)
	u, store := fixture(t, addr)
	st := u.Peers[0].State()
	lg := zerolog.Nop()
	cfg := &check.Config{Interval: 20 * time.Millisecond, Fall: 1, Rise: 1, Timeout: 100 * time.Millisecond, Type: check.TCP}
	checks := New()
	target := []Target{{State: st, Upstream: "app", Addr: addr, Check: cfg, Log: &lg}}
	checks.Apply(target)
	waitFor(t, "a probe", func() bool { return accepted.Load() > 0 })
	st.CheckResult(false, "forced", 1, 1, time.Now()) // a verdict the reload must keep
	checks.Apply(target)
	if checks.Len() != 1 || !st.Health().Checked {
		t.Fatalf("reload: %d checkers, health %+v", checks.Len(), st.Health())
	}
	checks.Apply(nil) // the reload dropped `check`
	if h := st.Health(); h.Checked || h.Down || checks.Len() != 0 {
		t.Fatalf("check dropped: %d checkers, health %+v", checks.Len(), h)
	}
	n := accepted.Load()
	time.Sleep(100 * time.Millisecond) // five intervals: no probe may come
	if accepted.Load() > n+1 {
		t.Errorf("probes went on after the check was dropped (%d more)", accepted.Load()-n)
	}

	checks.Apply(target)
	waitFor(t, "the checker to start again", func() bool { return st.Health().Checked && checks.Len() == 1 })
	store.Retain() // the reload dropped the server
	waitFor(t, "the checker to stop with its server", func() bool { return checks.Len() == 0 })
}

// type=ssl_hello passes when a TLS server answers the handshake and fails
// on a server that does not speak TLS.
func TestSSLHelloCheck(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer tlsSrv.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plain.Close()
	for _, tc := range []struct {
		name, addr string
		down       bool
	}{
		{"a TLS server", tlsSrv.Listener.Addr().String(), false},
		{"a plain HTTP server", plain.Listener.Addr().String(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := fixture(t, tc.addr)
			lg := zerolog.Nop()
			cfg := &check.Config{Interval: 20 * time.Millisecond, Fall: 1, Rise: 1, Timeout: 500 * time.Millisecond, Type: check.SSLHello}
			New().Apply([]Target{{State: u.Peers[0].State(), Upstream: "app", Addr: tc.addr, Check: cfg, Log: &lg}})
			waitFor(t, "a probe", func() bool { return !u.Peers[0].State().Health().LastCheck.IsZero() })
			if h := u.Peers[0].State().Health(); h.Down != tc.down || tc.down && !strings.HasPrefix(h.Reason, "SSL handshake failed") {
				t.Errorf("health %+v, want down %v", h, tc.down)
			}
		})
	}
}

// check_keepalive_requests keeps one connection for that many probes.
func TestHTTPCheckKeepalive(t *testing.T) {
	var conns, probes atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { probes.Add(1) }))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	u, _ := fixture(t, addr)
	lg := zerolog.Nop()
	cfg := httpCheck()
	cfg.Send = []byte("GET /health HTTP/1.1\r\nHost: app\r\n\r\n")
	cfg.KeepaliveRequests = 3
	checks := New()
	checks.Apply([]Target{{State: u.Peers[0].State(), Upstream: "app", Addr: addr, Check: cfg, Log: &lg}})
	waitFor(t, "six probes", func() bool { return probes.Load() >= 6 })
	checks.Apply(nil) // stop probing, so the counts below hold still
	time.Sleep(50 * time.Millisecond)
	// Three probes a connection: a probe in flight when the checks
	// stopped may have opened one more.
	n, p := conns.Load(), probes.Load()
	if want := (p + 2) / 3; n < want || n > want+1 {
		t.Errorf("%d connections for %d probes at 3 a connection", n, p)
	}
}

// check_http_expect_body fails a 200 whose body lacks the text.
func TestHTTPCheckExpectBody(t *testing.T) {
	var body atomic.Value
	body.Store("status: OK")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(body.Load().(string)))
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	u, _ := fixture(t, addr)
	lg := zerolog.Nop()
	cfg := httpCheck()
	cfg.ExpectBody = "OK"
	New().Apply([]Target{{State: u.Peers[0].State(), Upstream: "app", Addr: addr, Check: cfg, Log: &lg}})
	waitFor(t, "passing probes", func() bool { return u.Peers[0].State().Health().Rise >= 2 })
	body.Store("status: degraded")
	waitFor(t, "the server to go down", func() bool { return u.Peers[0].State().Health().Down })
	if r := u.Peers[0].State().Health().Reason; r != `HTTP 200, body without "OK"` {
		t.Errorf("reason %q", r)
	}
}
