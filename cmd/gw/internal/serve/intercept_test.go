package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestInterceptedUnauthorizedPageKeepsWWWAuthenticate(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("WWW-Authenticate", `Basic realm="app"`)
		w.Header().Add("WWW-Authenticate", "Bearer")
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(backend.Close)
	dial := memServer(t, fmt.Sprintf(`
events {}
http {
    server {
        listen 127.0.0.1:8080;
        location / {
            proxy_pass http://%s;
            proxy_intercept_errors on;
            error_page 401 /denied;
        }
        location = /denied { return 401 "log in first"; }
        location /url {
            proxy_pass http://%[1]s;
            proxy_intercept_errors on;
            error_page 401 http://login.example/;
        }
    }
}
`, strings.TrimPrefix(backend.URL, "http://")))
	for _, tc := range []struct {
		path, body string
		status     int
	}{
		{"/app", "log in first", 401},
		{"/url/app", "", 302},
	} {
		resp := roundTrip(t, dial(), "GET "+tc.path+" HTTP/1.1\r\nHost: h\r\n\r\n")
		if resp == nil {
			t.Fatalf("%s: no response", tc.path)
		}
		if resp.StatusCode() != tc.status || !strings.Contains(string(resp.Body()), tc.body) {
			t.Errorf("%s: %d %q, want the error page's %d %q", tc.path, resp.StatusCode(), resp.Body(), tc.status, tc.body)
		}
		var got []string
		for _, v := range resp.Header.PeekAll("WWW-Authenticate") {
			got = append(got, string(v))
		}
		if len(got) != 2 || got[0] != `Basic realm="app"` || got[1] != "Bearer" {
			t.Errorf("%s: WWW-Authenticate %q, want the upstream's two", tc.path, got)
		}
	}
}

// An error_page that sends a failed proxying to a location that proxies
// again keeps the first proxying's tries: every $upstream_* variable sets
// the two groups apart with " : ", as nginx prints them.
func TestErrorPageProxyingAgainKeepsTheFirstTries(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("fallback"))
	}))
	t.Cleanup(backend.Close)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadAddr := strings.TrimPrefix(dead.URL, "http://")
	dead.Close() // nothing listens there any more: connect() is refused
	live := strings.TrimPrefix(backend.URL, "http://")
	dial := memServer(t, fmt.Sprintf(`
events {}
http {
    upstream first { server %[1]s; server %[1]s; }
    server {
        listen 127.0.0.1:8080;
        location / {
            proxy_pass http://first;
            error_page 502 = @fallback;
        }
        location @fallback {
            proxy_pass http://%[2]s;
            add_header X-Addr $upstream_addr;
            add_header X-Status $upstream_status;
            add_header X-Sent $upstream_bytes_sent;
        }
    }
}
`, deadAddr, live))
	resp := roundTrip(t, dial(), "GET /app HTTP/1.1\r\nHost: h\r\n\r\n")
	if resp == nil || resp.StatusCode() != 200 || string(resp.Body()) != "fallback" {
		t.Fatalf("answer %v, want the fallback's", resp)
	}
	for name, want := range map[string]string{
		"X-Addr":   deadAddr + ", " + deadAddr + " : " + live,
		"X-Status": "502, 502 : 200",
	} {
		if got := string(resp.Header.Peek(name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if sent := string(resp.Header.Peek("X-Sent")); !regexp.MustCompile(`^0, 0 : [1-9][0-9]*$`).MatchString(sent) {
		t.Errorf("X-Sent = %q, want two refused tries and the fallback's request", sent)
	}
}
