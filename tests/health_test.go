package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Active health checks end to end: the real gw probing gw-demo backends,
// whose /health answers what /health/set?code=N says.

// setHealth makes backend's /health answer code.
func setHealth(t *testing.T, backend string, code int) {
	t.Helper()
	if r := get(t, backend, "", fmt.Sprintf("/health/set?code=%d", code)); r.status != 200 {
		t.Fatalf("setting %s's health: %d %s", backend, r.status, r.body)
	}
}

// checkRow is one server of check_status's JSON page.
type checkRow struct {
	Index        int    `json:"index"`
	Upstream     string `json:"upstream"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	Rise         int    `json:"rise"`
	Fall         int    `json:"fall"`
	Type         string `json:"type"`
	Port         int    `json:"port"`
	PassiveFails int    `json:"passive_fails"`
}

// checkPage is check_status's JSON page.
type checkPage struct {
	Servers struct {
		Total      int        `json:"total"`
		Generation int        `json:"generation"`
		Server     []checkRow `json:"server"`
	} `json:"servers"`
}

// checkStatus reads the JSON status page at gw's uri.
func checkStatus(t *testing.T, gw, uri string) checkPage {
	t.Helper()
	r := get(t, gw, "", uri)
	var page checkPage
	if err := json.Unmarshal([]byte(r.body), &page); err != nil {
		t.Fatalf("%s: %d %v\n%s", uri, r.status, err, r.body)
	}
	return page
}

// serverState returns the status ("up", "down") of server name in
// upstream up on gw's JSON status page, "" when it is not listed.
func serverState(t *testing.T, gw, up, name string) string {
	t.Helper()
	for _, s := range checkStatus(t, gw, "/status?format=json").Servers.Server {
		if s.Upstream == up && s.Name == name {
			return s.Status
		}
	}
	return ""
}

// waitState polls until server name of upstream up has state, and returns
// when it saw it.
func waitState(t *testing.T, gw, up, name, state string, within time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if serverState(t, gw, up, name) == state {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s in %s not %s within %v:\n%s", name, up, state, within, get(t, gw, "", "/status?format=csv").body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// hit is one user request of a light load: when it was answered and by
// which backend ("" for an error answer).
type hit struct {
	at      time.Time
	backend string
	status  int
}

// lightLoad sends GET / to gw every 10ms until stop, recording who answered.
type lightLoad struct {
	mu   sync.Mutex
	hits []hit
	stop chan struct{}
	done chan struct{}
}

func startLightLoad(gw string) *lightLoad {
	l := &lightLoad{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for {
			select {
			case <-l.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			h := hit{}
			if resp, err := client.Get("http://" + gw + "/"); err == nil {
				h.status, h.backend = resp.StatusCode, resp.Header.Get("X-Backend")
				resp.Body.Close()
			}
			h.at = time.Now()
			l.mu.Lock()
			l.hits = append(l.hits, h)
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *lightLoad) end() []hit {
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hits
}

// checkedConfig is an upstream of two demo backends with an HTTP check,
// and the check_status page.
const checkedConfig = `
error_log stderr warn;
events {}
http {
    access_log off;
    upstream app {
        server %[2]s weight=10;
        server %[3]s weight=10 %[4]s;
        check interval=100 rise=2 fall=2 timeout=500 default_down=false type=http;
        check_http_send "GET /health HTTP/1.0\r\n\r\n";
        check_http_expect_alive http_2xx http_3xx;
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location /status { check_status json; }
        location /status.html { check_status; }
    }
}
`

// TestHealthCheckTakesAServerOutAndBack: a backend whose health check
// starts answering 503 is taken out within about interval × fall, and no
// user request reaches it from then on; once it answers 200 again it is
// back after rise probes. Each transition is logged once at warn. The
// timeline is logged for the record (go test -v).
func TestHealthCheckTakesAServerOutAndBack(t *testing.T) {
	a, b := startDemo(t, "a"), startDemo(t, "b")
	gw := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(checkedConfig, gw, a, b, ""), gw)
	waitState(t, gw, "app", b, "up", 2*time.Second)
	load := startLightLoad(gw)
	start := time.Now()
	time.Sleep(500 * time.Millisecond)

	t503 := time.Now()
	setHealth(t, b, 503)
	tDown := waitState(t, gw, "app", b, "down", 3*time.Second)
	// About interval × fall (200ms), with room for a loaded machine.
	if took := tDown.Sub(t503); took > time.Second {
		t.Errorf("down %v after its health failed, want about 2 × 100ms", took)
	}
	time.Sleep(700 * time.Millisecond)
	t200 := time.Now()
	setHealth(t, b, 200)
	tUp := waitState(t, gw, "app", b, "up", 3*time.Second)
	if took := tUp.Sub(t200); took > time.Second {
		t.Errorf("up %v after its health recovered, want about 2 × 100ms", took)
	}
	time.Sleep(500 * time.Millisecond)
	hits := load.end()

	var toBWhileDown, failed, toBAfter int
	for _, h := range hits {
		switch {
		case h.status != 200:
			failed++
		case h.backend == "b" && h.at.After(tDown.Add(20*time.Millisecond)) && h.at.Before(t200):
			toBWhileDown++
		case h.backend == "b" && h.at.After(tUp):
			toBAfter++
		}
	}
	if failed != 0 || toBWhileDown != 0 || toBAfter == 0 {
		t.Errorf("%d failed requests, %d sent to b while it was down, %d after it came back (want 0, 0, some)", failed, toBWhileDown, toBAfter)
	}
	log := p.stderr.String()
	down := fmt.Sprintf(`upstream server %s in upstream "app" is down: check: HTTP 503`, b)
	up := fmt.Sprintf(`upstream server %s in upstream "app" is up`, b)
	if strings.Count(log, logText(down)) != 1 || strings.Count(log, logText(up)) != 1 {
		t.Errorf("log should say once each %q and %q:\n%s", down, up, log)
	}
	t.Logf("b's health: 503 at %.2fs, down at %.2fs; 200 at %.2fs, up at %.2fs",
		t503.Sub(start).Seconds(), tDown.Sub(start).Seconds(), t200.Sub(start).Seconds(), tUp.Sub(start).Seconds())
	t.Log(timeline(hits, start, 250*time.Millisecond, t503, tDown, t200, tUp))
}

// logText is msg as the JSON error log carries it: its quotes escaped.
func logText(msg string) string { return strings.ReplaceAll(msg, `"`, `\"`) }

// timeline renders hits per step: the seconds, b's state, and the requests
// each backend received.
func timeline(hits []hit, start time.Time, step time.Duration, t503, tDown, t200, tUp time.Time) string {
	var sb strings.Builder
	sb.WriteString("\n  t (s)  b's /health  b's state   requests to a  requests to b\n")
	for from := start; ; from = from.Add(step) {
		to := from.Add(step)
		n := map[string]int{}
		last := false
		for _, h := range hits {
			if !h.at.Before(from) && h.at.Before(to) {
				n[h.backend]++
			}
			last = last || !h.at.Before(to)
		}
		at := func(t time.Time, from, to string, on, off time.Time) string {
			if !t.Before(on) && t.Before(off) {
				return to
			}
			return from
		}
		// What held at the step's start, and at its end when it changed.
		health := at(from, "200", "503", t503, t200)
		if h := at(to, "200", "503", t503, t200); h != health {
			health += "→" + h
		}
		state := at(from, "up", "down", tDown, tUp)
		if st := at(to, "up", "down", tDown, tUp); st != state {
			state += "→" + st
		}
		fmt.Fprintf(&sb, "  %5.2f  %-11s  %-9s  %13d  %13d\n", from.Sub(start).Seconds(), health, state, n["a"], n["b"])
		if !last {
			return sb.String()
		}
	}
}

// TestHealthCheckDetectsDeadAndHungServers: a killed backend (connection
// refused) and one that accepts but never answers (the check's timeout)
// are both taken out, each with its reason.
func TestHealthCheckDetectsDeadAndHungServers(t *testing.T) {
	live := startDemo(t, "live")
	dead, deadAddr := startDemoCmd(t, "dead")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() { // accepts and never answers
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { // read what comes, answer nothing, until gw hangs up
				defer c.Close()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	hung := ln.Addr().String()
	gw := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log stderr warn;
events {}
http {
    access_log off;
    upstream app {
        server %[2]s;
        server %[3]s;
        server %[4]s;
        check interval=100 rise=1 fall=2 timeout=300 default_down=false type=http;
        check_http_send "GET /health HTTP/1.0\r\n\r\n";
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location /status { check_status json; }
    }
}
`, gw, live, deadAddr, hung), gw)
	waitState(t, gw, "app", hung, "down", 3*time.Second)
	waitState(t, gw, "app", deadAddr, "up", 3*time.Second)
	dead.kill()
	waitState(t, gw, "app", deadAddr, "down", 3*time.Second)
	for range 6 {
		if r := get(t, gw, "", "/"); r.status != 200 || backendOf(r) != "live" {
			t.Fatalf("a request went to %q (%d): only live is up", backendOf(r), r.status)
		}
	}
	log := p.stderr.String()
	for _, want := range []string{
		fmt.Sprintf(`upstream server %s in upstream "app" is down: check: recv() failed (timed out)`, hung),
		fmt.Sprintf(`upstream server %s in upstream "app" is down: check: connect() failed (111: Connection refused)`, deadAddr),
	} {
		if !strings.Contains(log, logText(want)) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestHealthCheckTCPAndDefaultDown: with default_down (Tengine's default)
// a server is out until it passed rise probes, so a request before that is
// 502; type=tcp passes on a connection alone.
func TestHealthCheckTCPAndDefaultDown(t *testing.T) {
	a := startDemo(t, "a")
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    access_log off;
    upstream app {
        server %[2]s;
        check interval=400 rise=3 fall=1 timeout=300;
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location /status { check_status json; }
    }
}
`, gw, a), gw)
	page := checkStatus(t, gw, "/status")
	if len(page.Servers.Server) != 1 || page.Servers.Server[0].Status != "down" || page.Servers.Server[0].Type != "tcp" {
		t.Fatalf("right after start: %+v, want a down tcp-checked server", page.Servers)
	}
	if r := get(t, gw, "", "/"); r.status != 502 {
		t.Errorf("a request before the server passed: %d, want 502", r.status)
	}
	waitState(t, gw, "app", a, "up", 3*time.Second)
	if r := get(t, gw, "", "/"); r.status != 200 || backendOf(r) != "a" {
		t.Errorf("after it passed: %d from %q", r.status, backendOf(r))
	}
}

// TestHealthCheckSlowStart: a server back from a check-down ramps its
// weight over slow_start, so its share of requests grows from a trickle
// to its weight's.
func TestHealthCheckSlowStart(t *testing.T) {
	a, b := startDemo(t, "a"), startDemo(t, "b")
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(checkedConfig, gw, a, b, "slow_start=2s"), gw)
	waitState(t, gw, "app", b, "up", 2*time.Second)
	setHealth(t, b, 503)
	waitState(t, gw, "app", b, "down", 3*time.Second)
	setHealth(t, b, 200)
	tUp := waitState(t, gw, "app", b, "up", 3*time.Second)
	share := func(d time.Duration) float64 {
		n, toB := 0, 0
		for end := time.Now().Add(d); time.Now().Before(end); n++ {
			if backendOf(get(t, gw, "", "/")) == "b" {
				toB++
			}
		}
		return float64(toB) / float64(n)
	}
	early := share(400 * time.Millisecond)
	time.Sleep(time.Until(tUp.Add(2200 * time.Millisecond)))
	late := share(400 * time.Millisecond)
	t.Logf("b's share: %.2f in its first 0.4s back, %.2f after slow_start", early, late)
	if early > 0.3 || late < 0.4 || late-early < 0.2 {
		t.Errorf("b's share %.2f early, %.2f late: want a ramp from a trickle to about 0.5", early, late)
	}
}

// TestHealthCheckAcrossReload: a reload that keeps a checked server keeps
// its checker and verdict (the rise count goes on, default_down is not
// applied again); a server the reload adds is checked from then on; one it
// drops leaves the page.
func TestHealthCheckAcrossReload(t *testing.T) {
	a, b, c := startDemo(t, "a"), startDemo(t, "b"), startDemo(t, "c")
	gw := addr(freePort(t))
	config := func(second string) string {
		return fmt.Sprintf(`
events {}
http {
    access_log off;
    upstream app {
        server %[2]s;
        server %[3]s;
        check interval=100 rise=1 fall=1 timeout=300 type=http;
        check_http_send "GET /health HTTP/1.0\r\n\r\n";
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location /status { check_status json; }
    }
}
`, gw, a, second)
	}
	p := startGW(t, config(b), gw)
	waitState(t, gw, "app", a, "up", 2*time.Second)
	waitState(t, gw, "app", b, "up", 2*time.Second)
	time.Sleep(300 * time.Millisecond)
	before := checkStatus(t, gw, "/status").Servers.Server[0]
	writeConfig(t, p, config(c))
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload", func() bool { return checkStatus(t, gw, "/status").Servers.Generation == 2 })
	after := checkStatus(t, gw, "/status").Servers.Server
	if len(after) != 2 || after[0].Name != a || after[1].Name != c {
		t.Fatalf("after the reload: %+v, want a and c", after)
	}
	if after[0].Status != "up" || after[0].Rise < before.Rise {
		t.Errorf("a across the reload: %+v before, %+v after: its checks should go on", before, after[0])
	}
	waitState(t, gw, "app", c, "up", 2*time.Second)
}

// writeConfig replaces the running gw's configuration file.
func writeConfig(t *testing.T, p *gwProcess, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(p.prefix, "conf", "gw.conf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckStatusFormats: Tengine's three formats, the ?format= and
// ?status= arguments, and a method other than GET or HEAD refused.
func TestCheckStatusFormats(t *testing.T) {
	a, b := startDemo(t, "a"), startDemo(t, "b")
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(checkedConfig, gw, a, b, ""), gw)
	setHealth(t, b, 500)
	waitState(t, gw, "app", b, "down", 3*time.Second)

	csv := get(t, gw, "", "/status?format=csv")
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if csv.header.Get("Content-Type") != "text/plain" || len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "0,app,"+a+",up,") || !strings.HasPrefix(lines[1], "1,app,"+b+",down,0,") ||
		!strings.HasSuffix(lines[1], ",http,0") {
		t.Errorf("csv %q:\n%s", csv.header.Get("Content-Type"), csv.body)
	}
	html := get(t, gw, "", "/status.html")
	if html.header.Get("Content-Type") != "text/html" ||
		!strings.Contains(html.body, "<h2>Check upstream server number: 2, generation: 1</h2>") ||
		!strings.Contains(html.body, `<tr bgcolor="#FF0000">`) {
		t.Errorf("html %q:\n%s", html.header.Get("Content-Type"), html.body)
	}
	down := checkStatus(t, gw, "/status?status=down")
	if down.Servers.Total != 1 || down.Servers.Server[0].Name != b || down.Servers.Server[0].Index != 1 {
		t.Errorf("status=down: %+v", down.Servers)
	}
	up := get(t, gw, "", "/status.html?format=csv&status=up")
	if strings.TrimSpace(up.body) == "" || strings.Contains(up.body, b) || up.header.Get("Content-Type") != "text/plain" {
		t.Errorf("format=csv&status=up on the html page:\n%s", up.body)
	}
	post := do(t, mustRequest(t, "POST", "http://"+gw+"/status", "x"))
	if post.status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", post.status)
	}
}

// TestHealthCheckMovesStickyVisitors: a visitor whose cookie names a
// server down by check is moved to a live one with a new cookie under
// fallback=on, and gets 502 under fallback=off.
func TestHealthCheckMovesStickyVisitors(t *testing.T) {
	a, b := startDemo(t, "a"), startDemo(t, "b")
	gw := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    access_log off;
    upstream on {
        server %[2]s;
        server %[3]s;
        session_sticky;
        check interval=100 rise=1 fall=1 timeout=300 default_down=false type=http;
        check_http_send "GET /health HTTP/1.0\r\n\r\n";
    }
    upstream off {
        server %[2]s;
        server %[3]s;
        session_sticky fallback=off;
        check interval=100 rise=1 fall=1 timeout=300 default_down=false type=http;
        check_http_send "GET /health HTTP/1.0\r\n\r\n";
    }
    server {
        listen %[1]s;
        location /on { proxy_pass http://on; }
        location /off { proxy_pass http://off; }
        location /status { check_status json; }
    }
}
`, gw, a, b), gw)
	cookieB := "route=" + sid(b)
	if r := stickyReq(t, "GET", "http://"+gw+"/on", cookieB); backendOf(r) != "b" {
		t.Fatalf("b's cookie went to %q", backendOf(r))
	}
	setHealth(t, b, 503)
	waitState(t, gw, "on", b, "down", 3*time.Second)
	waitState(t, gw, "off", b, "down", 3*time.Second)
	r := stickyReq(t, "GET", "http://"+gw+"/on", cookieB)
	if v, _, ok := setCookieOf(r, "route"); r.status != 200 || backendOf(r) != "a" || !ok || v != sid(a) {
		t.Errorf("fallback=on: %d from %q, new cookie %q; want a and a's cookie", r.status, backendOf(r), v)
	}
	if r := stickyReq(t, "GET", "http://"+gw+"/off", cookieB); r.status != 502 {
		t.Errorf("fallback=off: %d from %q, want 502", r.status, backendOf(r))
	}
}
