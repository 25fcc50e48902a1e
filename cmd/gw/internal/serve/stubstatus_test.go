package serve

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

// pagesConfig serves stub_status and gw_metrics beside a location proxied
// to an upstream of one server and one that answers 404 itself.
const pagesConfig = `
events {}
http {
    access_log off;
    upstream app { server %[2]s; }
    server {
        listen %[1]s;
        server_name pages.test;
        location /app { proxy_pass http://app; }
        location = /missing { return 404; }
        location = /stub { stub_status; }
        location = /metrics { gw_metrics; }
    }
}
`

// startPages starts a Server for pagesConfig with a backend that answers
// every request with 200, and returns the Server, its address and the
// backend's.
func startPages(t *testing.T) (*Server, string, string) {
	t.Helper()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "backend")
	}))
	t.Cleanup(backend.Close)
	backendAddr := strings.TrimPrefix(backend.URL, "http://")
	dir := t.TempDir()
	file := filepath.Join(dir, "gw.conf")
	addr := freeAddr(t)
	if err := os.WriteFile(file, []byte(fmt.Sprintf(pagesConfig, addr, backendAddr)), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(conf.LoadOptions{Prefix: dir, File: file}, filepath.Join(dir, "early.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(0) })
	return s, addr, backendAddr
}

// fetch sends one request and returns the response with its body read.
func fetch(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// stubStatusPage is nginx's page, trailing spaces included.
var stubStatusPage = regexp.MustCompile(`^Active connections: (\d+) \n` +
	`server accepts handled requests\n` +
	` (\d+) (\d+) (\d+) \n` +
	`Reading: (\d+) Writing: (\d+) Waiting: (\d+) \n$`)

// stubCounts are the numbers of a stub_status page, in its order.
type stubCounts struct {
	active, accepts, handled, requests, reading, writing, waiting uint64
}

func parseStubStatus(t *testing.T, body string) stubCounts {
	t.Helper()
	m := stubStatusPage.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("not nginx's stub_status page:\n%q", body)
	}
	var n [7]uint64
	for i := range n {
		n[i], _ = strconv.ParseUint(m[i+1], 10, 64)
	}
	return stubCounts{n[0], n[1], n[2], n[3], n[4], n[5], n[6]}
}

// TestStubStatus: the page has nginx's exact format and the Server's
// counts: requests answered before it, accepts equal to handled, the
// connection asking counted as active and writing.
func TestStubStatus(t *testing.T) {
	_, addr, _ := startPages(t)
	for range 3 {
		fetch(t, "GET", "http://"+addr+"/app")
	}
	fetch(t, "GET", "http://"+addr+"/missing")
	resp, body := fetch(t, "GET", "http://"+addr+"/stub")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "" {
		t.Errorf("Cache-Control %q: nginx sets none", cc)
	}
	c := parseStubStatus(t, body)
	if c.requests != 4 {
		t.Errorf("requests %d, want 4", c.requests)
	}
	if c.accepts < 1 || c.handled != c.accepts || c.active < 1 || c.writing < 1 {
		t.Errorf("%+v", c)
	}
	if c.reading+c.writing+c.waiting != c.active {
		t.Errorf("states do not add up to active: %+v", c)
	}
	// The page's own request counts once answered.
	_, body = fetch(t, "GET", "http://"+addr+"/stub")
	if c := parseStubStatus(t, body); c.requests != 5 {
		t.Errorf("requests %d after the page, want 5", c.requests)
	}

	resp, body = fetch(t, "HEAD", "http://"+addr+"/stub")
	if resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD: %d %q", resp.StatusCode, body)
	}
	if resp, _ := fetch(t, "POST", "http://"+addr+"/stub"); resp.StatusCode != 405 {
		t.Errorf("POST: %d, want 405 as nginx", resp.StatusCode)
	}
}

// TestPagesWithoutServer: a runtime outside a Server has no counters to
// show, and says so with 503 rather than zeros.
func TestPagesWithoutServer(t *testing.T) {
	dial := memServer(t, fmt.Sprintf(pagesConfig, "127.0.0.1:8080", "127.0.0.1:1"))
	for _, uri := range []string{"/stub", "/metrics"} {
		resp := roundTrip(t, dial(), "GET "+uri+" HTTP/1.1\r\nHost: pages.test\r\n\r\n")
		if resp == nil || resp.StatusCode() != 503 {
			t.Errorf("%s: %v", uri, resp)
		}
	}
}
