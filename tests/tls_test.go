package tests

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate and key for name under dir and
// returns their paths.
func writeCert(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

func TestHTTPSListenerChoosesCertificateBySNI(t *testing.T) {
	dir := t.TempDir()
	aCrt, aKey := writeCert(t, dir, "a.test")
	bCrt, bKey := writeCert(t, dir, "b.test")
	a := addr(freePort(t))
	startGW(t, fmt.Sprintf(`
events {}
http {
    server {
        listen %[1]s ssl;
        server_name a.test;
        ssl_certificate %[2]s;
        ssl_certificate_key %[3]s;
        location / { return 200 "a $scheme $https"; }
    }
    server {
        listen %[1]s ssl;
        server_name b.test;
        ssl_certificate %[4]s;
        ssl_certificate_key %[5]s;
        location / { return 200 "b $scheme"; }
    }
}
`, a, aCrt, aKey, bCrt, bKey), a)

	for _, c := range []struct{ sni, body string }{{"a.test", "a https on"}, {"b.test", "b https"}} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{ServerName: c.sni, InsecureSkipVerify: true}}
		cl := &http.Client{Transport: tr, Timeout: 5 * time.Second}
		req, _ := http.NewRequest("GET", "https://"+a+"/", nil)
		req.Host = c.sni
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.sni, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.TLS.PeerCertificates[0].Subject.CommonName; got != c.sni {
			t.Errorf("SNI %s: certificate for %q", c.sni, got)
		}
		if string(body) != c.body {
			t.Errorf("SNI %s: body %q, want %q", c.sni, body, c.body)
		}
		tr.CloseIdleConnections()
	}
}

func TestBadCertificateFailsTest(t *testing.T) {
	dir := t.TempDir()
	crt := filepath.Join(dir, "bad.crt")
	if err := os.WriteFile(crt, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	prefix := writePrefix(t, fmt.Sprintf("events {}\nhttp { server { listen 127.0.0.1:1 ssl; ssl_certificate %s; ssl_certificate_key %s; } }\n", crt, crt))
	out, code := runGW(t, "-p", prefix, "-t")
	if code != 1 || !regexpMatch(`cannot load certificate ".*bad.crt"`, out) {
		t.Fatalf("gw -t with a bad certificate: exit %d, output %q", code, out)
	}
}
