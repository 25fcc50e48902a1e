package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
