package serve

import (
	"testing"
)

// TestGWStatusMethods: the page serves GET and HEAD only, and a runtime
// that runs in no Server (as here) has no snapshot to show: 503.
func TestGWStatusMethods(t *testing.T) {
	dial := memServer(t, `
events {}
http {
    server {
        listen 127.0.0.1:8080;
        location = /status { gw_status; }
    }
}
`)
	for _, tc := range []struct {
		method string
		want   int
	}{{"POST", 405}, {"DELETE", 405}, {"GET", 503}} {
		resp := roundTrip(t, dial(), tc.method+" /status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
		if resp == nil || resp.StatusCode() != tc.want {
			t.Errorf("%s: %v, want %d", tc.method, resp, tc.want)
			continue
		}
		if tc.want == 405 && string(resp.Header.Peek("Allow")) != "GET, HEAD" {
			t.Errorf("%s: Allow %q", tc.method, resp.Header.Peek("Allow"))
		}
	}
}
