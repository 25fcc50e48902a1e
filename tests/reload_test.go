package tests

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// reloadConfig is one of two configurations that differ in upstream
// servers, locations and an extra listener.
const reloadConfig = `
error_log stderr info;
events { worker_connections 4096; }
http {
    access_log off;
    upstream app { server %[2]s; keepalive 8; }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location = /which { return 200 "%[3]s"; }
        %[4]s
    }
    %[5]s
}
`

// loadStats counts what a load generator saw.
type loadStats struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	errors     []string
}

func (s *loadStats) fail(msg string) {
	s.failed.Add(1)
	s.mu.Lock()
	if len(s.errors) < 10 {
		s.errors = append(s.errors, msg)
	}
	s.mu.Unlock()
}

// runLoad sends GETs to url from keepAlive clients that reuse connections
// and fresh clients that open a new connection per request, until stop.
func runLoad(url string, keepAlive, fresh int, stop <-chan struct{}, wg *sync.WaitGroup) *loadStats {
	s := &loadStats{}
	worker := func(c *http.Client) {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := c.Get(url)
			if err != nil {
				s.fail(err.Error())
				continue
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				s.fail(fmt.Sprintf("status %d, body error %v", resp.StatusCode, err))
				continue
			}
			s.ok.Add(1)
		}
	}
	for i := 0; i < keepAlive; i++ {
		wg.Add(1)
		go worker(&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}})
	}
	for i := 0; i < fresh; i++ {
		wg.Add(1)
		go worker(&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}})
	}
	return s
}

func TestReloadsUnderLoadDropNothing(t *testing.T) {
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	a, extra := addr(freePort(t)), addr(freePort(t))
	configs := []string{
		fmt.Sprintf(reloadConfig, a, b1, "A", "", ""),
		fmt.Sprintf(reloadConfig, a, b2, "B", `location /only-b { return 200 "only in B"; }`,
			fmt.Sprintf(`server { listen %s; location / { return 200 "extra"; } }`, extra)),
	}
	p := startGW(t, configs[0], a)
	confPath := filepath.Join(p.prefix, "conf", "gw.conf")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	stats := runLoad("http://"+a+"/", 6, 2, stop, &wg)
	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopLoad()

	for i := 1; i <= 20; i++ {
		want := []string{"A", "B"}[i%2]
		if err := os.WriteFile(confPath, []byte(configs[i%2]), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		waitFor(t, fmt.Sprintf("reload %d to answer %s", i, want), func() bool {
			return get(t, a, "", "/which").body == want
		})
		// The new configuration is followed everywhere: upstream, locations,
		// listeners.
		backend := map[string]string{"A": "b1", "B": "b2"}[want]
		if got := backendOf(get(t, a, "", "/")); got != backend {
			t.Fatalf("reload %d: proxied to %q, want %q", i, got, backend)
		}
		only := get(t, a, "", "/only-b")
		if (want == "B") != (only.status == 200 && only.body == "only in B") {
			t.Fatalf("reload %d (%s): /only-b answered %d %q", i, want, only.status, only.body)
		}
		c, err := net.DialTimeout("tcp", extra, time.Second)
		if c != nil {
			c.Close()
		}
		if want == "B" && err != nil {
			t.Fatalf("reload %d: the listener only B has is not open: %v", i, err)
		}
		if want == "A" {
			waitFor(t, "the listener only B has to close", func() bool {
				c, err := net.DialTimeout("tcp", extra, time.Second)
				if c != nil {
					c.Close()
				}
				return err != nil
			})
		}
		time.Sleep(50 * time.Millisecond) // let the load run on each configuration
	}
	stopLoad()
	t.Logf("20 reloads under load: %d requests answered 200, %d failed", stats.ok.Load(), stats.failed.Load())
	if stats.failed.Load() != 0 || stats.ok.Load() < 100 {
		t.Fatalf("%d failed, %d ok; first errors: %q\n%s", stats.failed.Load(), stats.ok.Load(), stats.errors, p.stderr)
	}
	if n := strings.Count(p.stderr.String(), "configuration reloaded"); n != 20 {
		t.Fatalf("error log shows %d reloads, want 20", n)
	}
	if !strings.Contains(p.stderr.String(), `"generation":21`) {
		t.Fatalf("error log does not show generation 21:\n%s", p.stderr)
	}
}

func TestGracefulStopFinishesSlowResponse(t *testing.T) {
	b := startDemo(t, "slow")
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
events {}
http {
    server {
        listen %s;
        location / { proxy_pass http://%s; }
    }
}`, a, b), a)
	type result struct {
		r   response
		err error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := client.Get("http://" + a + "/slow?ms=2000")
		if err != nil {
			done <- result{err: err}
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{r: response{status: resp.StatusCode, body: string(body)}, err: err}
	}()
	time.Sleep(300 * time.Millisecond) // the request is in flight
	if err := p.cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	// New connections are refused soon after QUIT...
	waitFor(t, "gw to stop accepting", func() bool {
		c, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
		if c != nil {
			c.Close()
		}
		return err != nil
	})
	// ...while the slow response completes.
	res := <-done
	if res.err != nil || res.r.status != 200 || !strings.Contains(res.r.body, "slept: 2000ms") {
		t.Fatalf("slow response across QUIT: %v %d %q", res.err, res.r.status, res.r.body)
	}
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("gw did not exit after the in-flight response")
	}
}

func TestReloadKeepsPeerStateAndUpstreamConnections(t *testing.T) {
	raw := startRawBackend(t)
	dead := closedPort(t)
	a := addr(freePort(t))
	config := `
error_log stderr info;
events {}
http {
    upstream app {
        server %[2]s max_fails=1 fail_timeout=60s;
        server %[3]s;
        keepalive 4;
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location = /which { return 200 "%[4]s"; }
    }
}
`
	p := startGW(t, fmt.Sprintf(config, a, dead, raw.addr(), "one"), a)
	for i := 0; i < 4; i++ {
		if r := get(t, a, "", "/"); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	refused := strings.Count(p.stderr.String(), "connect() failed")
	if refused != 1 {
		t.Fatalf("before the reload the dead server was tried %d times, want once (then marked down):\n%s", refused, p.stderr)
	}

	confPath := filepath.Join(p.prefix, "conf", "gw.conf")
	if err := os.WriteFile(confPath, []byte(fmt.Sprintf(config, a, dead, raw.addr(), "two")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload", func() bool { return get(t, a, "", "/which").body == "two" })
	for i := 0; i < 4; i++ {
		if r := get(t, a, "", "/"); r.status != 200 {
			t.Fatalf("after reload, request %d: %d", i, r.status)
		}
	}
	if n := strings.Count(p.stderr.String(), "connect() failed"); n != refused {
		t.Fatalf("after the reload the dead server was tried again (%d connect errors): its down state was forgotten", n)
	}
	if n := raw.conns.Load(); n != 1 {
		t.Fatalf("8 requests across a reload used %d upstream connections, want the one kept-alive connection", n)
	}
}
