package tests

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sticky_store end to end: real redis-server processes on loopback ports,
// started and stopped by the tests, shared by real gw processes.

// redisProc is a redis-server the test started on port.
type redisProc struct {
	port   int
	cmd    *exec.Cmd
	exited <-chan struct{}
}

// startRedis starts a redis-server on a free loopback port, or skips the
// test when none is installed (.ci/run installs it).
func startRedis(t *testing.T) *redisProc {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	r := &redisProc{port: freePort(t)}
	r.start(t)
	t.Cleanup(r.stop)
	return r
}

func (r *redisProc) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

// start runs redis-server on r.port, no persistence, and waits until it
// answers PING.
func (r *redisProc) start(t *testing.T) {
	t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.exited = watch(r.cmd)
	waitFor(t, "redis-server to answer", func() bool {
		v, err := redisCmd(r.addr(), "PING")
		return err == nil && v == "PONG"
	})
}

// stop kills redis-server and waits until it is gone.
func (r *redisProc) stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Signal(syscall.SIGCONT)
		_ = r.cmd.Process.Kill()
		<-r.exited
	}
}

// redisCmd sends one command and returns its reply: a simple string, a
// bulk string ("" for nil) or an integer.
func redisCmd(a string, args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", a, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, s := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(s), s)
	}
	if _, err := c.Write([]byte(b.String())); err != nil {
		return "", err
	}
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", fmt.Errorf("redis: %s", line[1:])
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "", nil
		}
		buf := make([]byte, n+2)
		if _, err := br.Read(buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", fmt.Errorf("redis: unexpected reply %q", line)
}

// sessionKey is the Redis key gw stores session id under, for zone.
func sessionKey(zone, id string) string {
	sum := md5.Sum([]byte(id))
	return "gw:sticky:" + zone + ":" + hex.EncodeToString(sum[:])
}

const storeLine = `sticky learn create=$upstream_cookie_PHPSESSID lookup=$cookie_PHPSESSID zone=shared:1m;
        sticky_store redis://%s/0 timeout=150ms;`

// Two gw in front of the same backends, sharing one Redis: a session one
// of them learned is routed to the same server by the other.
func TestStickyStoreTwoGateways(t *testing.T) {
	t.Parallel()
	rd := startRedis(t)
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	names := map[string]string{"b1": b1, "b2": b2}
	line := fmt.Sprintf(storeLine, rd.addr())
	aa, ab := addr(freePort(t)), addr(freePort(t))
	startGW(t, fmt.Sprintf(learnConfig, b1, b2, line, aa), aa)
	startGW(t, fmt.Sprintf(learnConfig, b1, b2, line, ab), ab)

	for range 4 {
		first := visit(t, aa, "", "")
		key := sessionKey("shared", first.session)
		waitFor(t, "the session in Redis", func() bool {
			v, err := redisCmd(rd.addr(), "GET", key)
			return err == nil && v != ""
		})
		if v, _ := redisCmd(rd.addr(), "GET", key); v != names[first.server] {
			t.Fatalf("Redis names server %q for a session of %s (%s)", v, first.server, names[first.server])
		}
		ttl, _ := redisCmd(rd.addr(), "PTTL", key)
		if ms, _ := strconv.Atoi(ttl); ms <= 600000 || ms > 900000 {
			t.Fatalf("TTL %s ms, want the 10m timeout and a half", ttl)
		}
		// Through the other gw, which never saw the session.
		sticksTo(t, ab, first.server, first, 5, true, false)
	}
}

// Redis stopped, killed and restarted under light load: no request fails,
// new sessions are still balanced and learned ones still stick on the gw
// that learned them; a frozen Redis costs a lookup its timeout, not a
// failure; the outage is logged once and its end once; once Redis is back
// sessions are shared again.
func TestStickyStoreOutage(t *testing.T) {
	t.Parallel()
	rd := startRedis(t)
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	line := fmt.Sprintf(storeLine, rd.addr())
	aa, ab := addr(freePort(t)), addr(freePort(t))
	ga := startGW(t, fmt.Sprintf(learnConfig, b1, b2, line, aa), aa)
	gb := startGW(t, fmt.Sprintf(learnConfig, b1, b2, line, ab), ab)

	known := visit(t, aa, "", "")
	waitFor(t, "the session in Redis", func() bool {
		v, _ := redisCmd(rd.addr(), "GET", sessionKey("shared", known.session))
		return v != ""
	})

	// Frozen: lookups through B (which does not hold the session) wait at
	// most the store's timeout, then balance.
	_ = rd.cmd.Process.Signal(syscall.SIGSTOP)
	start := time.Now()
	visit(t, ab, "PHPSESSID="+known.session, "") // fails the test on any non-200
	if d := time.Since(start); d > time.Second {
		t.Fatalf("a request waited %v for a frozen Redis (timeout=150ms)", d)
	}
	_ = rd.cmd.Process.Signal(syscall.SIGCONT)

	// Killed under light load.
	rd.stop()
	servers := map[string]bool{}
	for i := range 40 {
		p := visit(t, aa, "", "") // fails the test on any non-200
		servers[p.server] = true
		if i%10 == 0 {
			sticksTo(t, aa, p.server, p, 2, true, false) // learned locally
		}
	}
	if len(servers) != 2 {
		t.Fatalf("with Redis down new sessions went only to %v", servers)
	}
	waitFor(t, "the outage in the error log", func() bool {
		return strings.Contains(ga.stderr.String(), "sticky_store unreachable")
	})

	// Back on the same port: the outage's end is logged, and sessions are
	// shared again.
	rd.start(t)
	for _, g := range []*gwProcess{ga, gb} {
		waitFor(t, "the recovery in the error log", func() bool {
			return strings.Contains(g.stderr.String(), "sticky_store answers again")
		})
	}
	if n := strings.Count(ga.stderr.String(), "sticky_store unreachable"); n != 1 {
		t.Fatalf("the outage was logged %d times", n)
	}
	fresh := visit(t, aa, "", "")
	waitFor(t, "a session learned after the outage in Redis", func() bool {
		v, _ := redisCmd(rd.addr(), "GET", sessionKey("shared", fresh.session))
		return v != ""
	})
	sticksTo(t, ab, fresh.server, fresh, 3, true, false)
}
