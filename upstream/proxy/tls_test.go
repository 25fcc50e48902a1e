package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gw-proxy/gw/upstream/transport"
)

// pxTLSBackend is an httptest TLS server (its certificate names
// example.com and 127.0.0.1) that records the SNI of each handshake.
func pxTLSBackend(t *testing.T) (addr string, roots *x509.CertPool, sni func() []string) {
	var mu sync.Mutex
	var names []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Proto", r.Proto)
		_, _ = w.Write([]byte("secure"))
	}))
	srv.TLS = &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		mu.Lock()
		names = append(names, h.ServerName)
		mu.Unlock()
		return nil, nil
	}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots = x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	return strings.TrimPrefix(srv.URL, "https://"), roots, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), names...)
	}
}

func TestTLSUpstream(t *testing.T) {
	addr, roots, sni := pxTLSBackend(t)
	for _, tc := range []struct {
		name  string
		conf  string
		want  int
		sni   string
		pools *x509.CertPool
	}{
		{"proxy_ssl_verify off by default, no SNI", "", 200, "", nil},
		{"verify against $proxy_host, an IP", "proxy_ssl_verify on;", 200, "", roots},
		{"SNI and verification by proxy_ssl_name", "proxy_ssl_verify on; proxy_ssl_server_name on; proxy_ssl_name example.com;", 200, "example.com", roots},
		{"verification failure is a connect error", "proxy_ssl_verify on; proxy_ssl_name other.test;", 502, "", roots},
		{"unknown authority fails verification", "proxy_ssl_verify on;", 502, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pools := transport.NewPools()
			pools.RootCAs = tc.pools
			before := len(sni())
			s := pxBuild(t, pools, "/", `http { server { location / { proxy_pass https://%s; %s } } }`, addr, tc.conf)
			g := pxServe(t, s.p)
			code, body := g.get(t, "/")
			if code != tc.want {
				t.Fatalf("status %d, want %d\n%s", code, tc.want, s.log)
			}
			if code == 200 && body != "secure" {
				t.Errorf("body %q", body)
			}
			if names := sni(); len(names) <= before || names[len(names)-1] != tc.sni {
				t.Errorf("SNI %q, want %q", names[before:], tc.sni)
			}
			if code == 502 && !s.log.has("SSL_do_handshake() failed") {
				t.Errorf("error log: %s", s.log)
			}
		})
	}
}

// TestTLSSessionReuse: without keepalive every request opens a connection;
// proxy_ssl_session_reuse (on by default, as nginx) lets the second one
// resume the first one's session, and off makes each a full handshake.
func TestTLSSessionReuse(t *testing.T) {
	var mu sync.Mutex
	var resumed []bool
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		resumed = append(resumed, r.TLS.DidResume)
		mu.Unlock()
		_, _ = w.Write([]byte("secure"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "https://")
	for _, tc := range []struct {
		conf string
		want []bool
	}{
		{"", []bool{false, true, true}},
		{"proxy_ssl_session_reuse on;", []bool{false, true, true}},
		{"proxy_ssl_session_reuse off;", []bool{false, false, false}},
	} {
		t.Run(tc.conf, func(t *testing.T) {
			mu.Lock()
			resumed = nil
			mu.Unlock()
			s := pxBuild(t, transport.NewPools(), "/", `http { server { location / { proxy_pass https://%s; %s } } }`, addr, tc.conf)
			g := pxServe(t, s.p)
			for range tc.want {
				if code, _ := g.get(t, "/"); code != 200 {
					t.Fatalf("status %d\n%s", code, s.log)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if fmt.Sprint(resumed) != fmt.Sprint(tc.want) {
				t.Errorf("resumed %v, want %v", resumed, tc.want)
			}
		})
	}
}
