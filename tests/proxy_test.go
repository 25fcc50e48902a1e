package tests

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// backendOf returns the X-Backend name of an answer from gw-demo.
func backendOf(r response) string { return r.header.Get("X-Backend") }

func TestProxyRoundRobinAndURIRules(t *testing.T) {
	b1, b2 := startDemo(t, "b1"), startDemo(t, "b2")
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app {
        server %[2]s;
        server %[3]s;
    }
    server {
        listen %[1]s;
        location / { proxy_pass http://app; }
        location /api/ { proxy_pass http://app/echo/; }
        location = /literal { proxy_pass http://%[2]s/echo; }
    }
}`, a, b1, b2), a)

	seen := map[string]int{}
	for i := 0; i < 6; i++ {
		r := get(t, a, "", "/")
		if r.status != 200 {
			t.Fatalf("GET / through gw: %d %q", r.status, r.body)
		}
		seen[backendOf(r)]++
	}
	if seen["b1"] != 3 || seen["b2"] != 3 {
		t.Fatalf("round robin over two equal servers: %v", seen)
	}

	// nginx's auto_redirect: /api asked of a proxying `location /api/`.
	if r := get(t, a, "front.test", "/api?x=1"); r.status != 301 || r.header.Get("Location") != "http://front.test:"+strings.TrimPrefix(a, "127.0.0.1:")+"/api/?x=1" {
		t.Fatalf("GET /api: %d Location %q, want 301 to /api/?x=1", r.status, r.header.Get("Location"))
	}

	cases := []struct{ name, uri, wantURI string }{
		{"URI part replaces the location prefix", "/api/x/y?q=1", "/echo/x/y?q=1"},
		{"URI part with a normalised path", "/api/x/../z", "/echo/z"},
		{"literal host with URI", "/literal?k=v", "/echo?k=v"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, a, "", c.uri)
			if !strings.Contains(r.body, "uri: "+c.wantURI+"\n") {
				t.Fatalf("%s reached the backend as:\n%s\nwant uri %s", c.uri, r.body, c.wantURI)
			}
		})
	}
}

func TestProxyPassesURIByteForByte(t *testing.T) {
	raw := startRawBackend(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    server {
        listen %[1]s;
        location / { proxy_pass http://%[2]s; }
    }
}`, a, raw.addr()), a)
	for _, uri := range []string{"/a%2Fb//c/../d?x=%20&y", "/%7Euser/./x?q=a+b&q=%zz", "/UPPER/Ca%73e?"} {
		if line := rawRequest(t, a, "GET "+uri+" HTTP/1.1\r\nHost: x\r\n\r\n"); !strings.HasPrefix(line, "HTTP/1.1 200") {
			t.Fatalf("GET %s: %q", uri, line)
		}
		if got := firstLine(raw.lastRequest(t)); got != "GET "+uri+" HTTP/1.0" {
			t.Errorf("request line upstream %q, want the URI %s unchanged", got, uri)
		}
	}
}

func TestProxyHeaders(t *testing.T) {
	raw := startRawBackend(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; }
    server {
        listen %[1]s;
        location / {
            proxy_pass http://app;
        }
        location /xff {
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header Host $host;
            proxy_set_header X-Gone "";
            proxy_pass http://app;
        }
    }
}`, a, raw.addr()), a)

	rawRequest(t, a, "GET /h?a=1 HTTP/1.1\r\nHost: front.test\r\nX-MiXeD-CaSe: v\r\n"+
		"Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"+
		"Proxy-Authorization: Basic eA==\r\nUpgrade: h2c\r\nX-Gone: still\r\n\r\n")
	head := raw.lastRequest(t)
	if firstLine(head) != "GET /h?a=1 HTTP/1.0" {
		t.Errorf("request line %q, want nginx's default HTTP/1.0 upstream", firstLine(head))
	}
	if !strings.Contains(head, "\r\nX-MiXeD-CaSe: v\r\n") {
		t.Errorf("header name case changed:\n%s", head)
	}
	if got := headerValue(head, "Host"); got != "app" {
		t.Errorf("Host %q, want $proxy_host (the upstream name)", got)
	}
	if got := headerValue(head, "Connection"); got != "close" {
		t.Errorf("Connection %q, want close", got)
	}
	for _, h := range []string{"X-Hop", "Keep-Alive", "TE", "Proxy-Authorization", "Upgrade"} {
		if hasHeader(head, h) {
			t.Errorf("hop-by-hop header %s crossed the proxy:\n%s", h, head)
		}
	}
	if hasHeader(head, "X-Forwarded-For") {
		t.Errorf("X-Forwarded-For added without being configured")
	}
	// The raw backend sends no Content-Type: gw must not invent one.
	if r := get(t, a, "", "/"); r.status != 200 || len(r.header.Values("Content-Type")) != 0 {
		t.Errorf("response without Content-Type upstream: %d, Content-Type %q", r.status, r.header.Values("Content-Type"))
	}

	rawRequest(t, a, "GET /xff HTTP/1.1\r\nHost: front.test\r\nX-Forwarded-For: 10.1.2.3\r\nX-Gone: x\r\n\r\n")
	head = raw.lastRequest(t)
	for name, want := range map[string]string{"X-Forwarded-For": "10.1.2.3, 127.0.0.1", "X-Real-IP": "127.0.0.1", "Host": "front.test"} {
		if got := headerValue(head, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if hasHeader(head, "X-Gone") {
		t.Errorf("proxy_set_header with an empty value must remove the header")
	}
}

func TestUpstreamKeepalive(t *testing.T) {
	raw := startRawBackend(t)
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream pooled { server %[2]s; keepalive 4; }
    server {
        listen %[1]s;
        location / { proxy_pass http://pooled; }
    }
}`, a, raw.addr()), a)
	for i := 0; i < 10; i++ {
		// Each client request closes its own connection: that must not close
		// the upstream one.
		if line := rawRequest(t, a, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(line, "HTTP/1.1 200") {
			t.Fatalf("request %d: %q", i, line)
		}
	}
	head := raw.lastRequest(t)
	if !strings.HasSuffix(firstLine(head), "HTTP/1.1") || strings.EqualFold(headerValue(head, "Connection"), "close") {
		t.Fatalf("with keepalive gw must speak keep-alive HTTP/1.1 upstream:\n%s", head)
	}
	if n := raw.conns.Load(); n != 1 {
		t.Fatalf("10 requests used %d upstream connections, want 1", n)
	}
}

func TestBackendKilledWhileServing(t *testing.T) {
	b1 := startDemo(t, "b1")
	b2proc, b2 := startDemoCmd(t, "b2")
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; server %[3]s; }
    server {
        listen %[1]s;
        location / {
            proxy_next_upstream error timeout;
            proxy_pass http://app;
        }
    }
}`, a, b1, b2), a)

	var wg sync.WaitGroup
	var mu sync.Mutex
	failures, total := 0, 0
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := client.Get("http://" + a + "/")
				ok := err == nil && r.StatusCode == 200
				if r != nil {
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
				}
				mu.Lock()
				total++
				if !ok {
					failures++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // load before the kill
	b2proc.kill()
	time.Sleep(700 * time.Millisecond) // load after the kill
	close(stop)
	wg.Wait()
	if failures != 0 || total < 20 {
		t.Fatalf("%d of %d GETs failed after a backend was killed:\n%s", failures, total, p.stderr)
	}
	t.Logf("%d GETs, none failed, across the kill of one backend", total)
}

func TestTimeoutsAndUnreachable(t *testing.T) {
	hang := hangingBackend(t)
	dead := closedPort(t)
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
error_log stderr error;
events {}
http {
    server {
        listen %[1]s;
        location /hang {
            proxy_read_timeout 400ms;
            proxy_pass http://%[2]s;
        }
        location /dead { proxy_pass http://%[3]s; }
    }
}`, a, hang, dead), a)

	start := time.Now()
	r := get(t, a, "", "/hang")
	took := time.Since(start)
	if r.status != 504 || took < 400*time.Millisecond || took > 3*time.Second {
		t.Fatalf("silent upstream: %d after %v, want 504 after proxy_read_timeout 400ms", r.status, took)
	}
	if r := get(t, a, "", "/dead"); r.status != 502 {
		t.Fatalf("refused upstream: %d, want 502", r.status)
	}
	waitFor(t, "the connect() error in the error log", func() bool {
		return strings.Contains(p.stderr.String(), "connect() failed")
	})
	waitFor(t, "the timeout in the error log", func() bool {
		return strings.Contains(p.stderr.String(), "upstream timed out")
	})
}

func TestStreamingBodies(t *testing.T) {
	b := startDemo(t, "b")
	a := addr(freePort(t))
	p := startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; keepalive 2; }
    server {
        listen %[1]s;
        client_max_body_size 0;
        location / { proxy_pass http://app; }
        location /small/ {
            client_max_body_size 1k;
            proxy_pass http://app/;
        }
        location /unbuffered/ {
            proxy_buffering off;
            proxy_pass http://app/;
        }
    }
}`, a, b), a)

	// 1 GiB down: gw's resident memory must not follow the body. The
	// transfer takes ~4 s on a quiet 2-core machine, too close to the
	// shared client's 5 s limit on a busy one (go test -race ./... timed
	// out at 1,032,956,884 bytes): this test is about memory, not speed.
	bulk := &http.Client{Timeout: 2 * time.Minute}
	before := rssKiB(t, p.cmd.Process.Pid)
	resp, err := bulk.Get("http://" + a + "/bytes?n=1073741824")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n != 1<<30 {
		t.Fatalf("1 GiB download: %d bytes, %v", n, err)
	}
	peak := peakRSSKiB(t, p.cmd.Process.Pid)
	t.Logf("gw RSS before %d KiB, peak after a 1 GiB download %d KiB (growth %d KiB)", before, peak, peak-before)
	if peak-before > 32<<10 {
		t.Errorf("gw grew by %d KiB for a 1 GiB download", peak-before)
	}

	// 64 MiB up.
	body := strings.NewReader(strings.Repeat("u", 64<<20))
	req := mustRequest(t, "POST", "http://"+a+"/upload", "")
	req.Body = io.NopCloser(body)
	req.ContentLength = 64 << 20
	if r := do(t, req); r.status != 200 || !strings.Contains(r.body, "received: 67108864\n") {
		t.Fatalf("64 MiB upload: %d %q", r.status, r.body)
	}

	// client_max_body_size.
	if r := do(t, mustRequest(t, "POST", "http://"+a+"/small/upload", strings.Repeat("x", 2048))); r.status != 413 {
		t.Fatalf("2 KiB body over a 1k limit: %d, want 413", r.status)
	}
	if r := do(t, mustRequest(t, "POST", "http://"+a+"/small/upload", strings.Repeat("x", 512))); r.status != 200 {
		t.Fatalf("512 B body under a 1k limit: %d", r.status)
	}

	// proxy_buffering off: the first chunk arrives long before the last.
	start := time.Now()
	resp, err = client.Get("http://" + a + "/unbuffered/bytes?n=262144&delay_ms=150")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1024)
	if _, err := io.ReadAtLeast(resp.Body, buf, 1); err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	total := time.Since(start)
	if first > total/2 {
		t.Fatalf("unbuffered response: first bytes after %v of %v", first, total)
	}
}

func TestHTTPSInAndOut(t *testing.T) {
	dir := t.TempDir()
	crt, key := writeCert(t, dir, "backend.test")
	b := startDemoArgs(t, "tlsb", "-cert", crt, "-key", key)
	fcrt, fkey := writeCert(t, dir, "front.test")
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream secure { server %[2]s; }
    server {
        listen %[1]s ssl;
        ssl_certificate %[3]s;
        ssl_certificate_key %[4]s;
        location / {
            proxy_ssl_server_name on;
            proxy_ssl_name backend.test;
            proxy_pass https://secure;
        }
    }
}`, a, b, fcrt, fkey), a)
	r := httpsGet(t, a, "front.test", "/echo")
	if r.status != 200 || !strings.Contains(r.body, "server: tlsb\n") {
		t.Fatalf("HTTPS in and out: %d %q", r.status, r.body)
	}
}

// TestProxyHeaderDetails: an explicit Connection line reaches a keepalive
// upstream as written, a repeated Expires passes its first line, and an
// intercepted 401 keeps the upstream's challenge on the error page.
func TestProxyHeaderDetails(t *testing.T) {
	raw := startRawBackend(t)
	raw.respond = func(head string, w io.Writer) bool {
		if strings.HasPrefix(head, "GET /auth") {
			io.WriteString(w, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"app\"\r\nContent-Length: 4\r\n\r\nnope")
			return true
		}
		io.WriteString(w, "HTTP/1.1 200 OK\r\nExpires: Thu, 01 Jan 2037 00:00:00 GMT\r\n"+
			"Expires: Fri, 02 Jan 2037 00:00:00 GMT\r\nContent-Length: 2\r\n\r\nok")
		return !strings.Contains(head, "\r\nConnection: close\r\n")
	}
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    upstream app { server %[2]s; keepalive 4; }
    server {
        listen %[1]s;
        location / {
            proxy_pass http://app;
            proxy_set_header Connection close;
        }
        location /auth {
            proxy_pass http://app;
            proxy_intercept_errors on;
            error_page 401 /login;
        }
        location = /login { return 401 "log in"; }
    }
}`, a, raw.addr()), a)

	r := get(t, a, "", "/")
	if got := headerValue(raw.lastRequest(t), "Connection"); got != "close" {
		t.Errorf("Connection upstream %q, want close as configured", got)
	}
	if got := r.header.Values("Expires"); len(got) != 1 || got[0] != "Thu, 01 Jan 2037 00:00:00 GMT" {
		t.Errorf("Expires %q, want the first line only", got)
	}
	r = get(t, a, "", "/auth")
	if r.status != 401 || r.body != "log in" || r.header.Get("WWW-Authenticate") != `Basic realm="app"` {
		t.Errorf("intercepted 401: %d %q, WWW-Authenticate %q", r.status, r.body, r.header.Get("WWW-Authenticate"))
	}
}
