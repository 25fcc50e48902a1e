package serve

import (
	"crypto/tls"
	"fmt"
	"net"

	"github.com/gw-proxy/gw/conf"
)

// loadCertificates loads the certificate of every server block that has
// one, at compile time, so `gw -t` and a reload fail on a bad pair (nginx:
// cannot load certificate) instead of the first handshake. It returns each
// server's ready handshake configuration.
func loadCertificates(cfg *conf.Config) (map[*conf.Server]*tls.Config, error) {
	certs := map[*conf.Server]*tls.Config{}
	if cfg.HTTP == nil {
		return certs, nil
	}
	for _, s := range cfg.HTTP.Servers {
		st := s.Settings
		if st.SSLCertificate == "" {
			continue
		}
		key := st.SSLCertificateKey
		if key == "" {
			key = st.SSLCertificate // nginx reads both from one PEM file when the key is absent
		}
		c, err := tls.LoadX509KeyPair(st.SSLCertificate, key)
		if err != nil {
			return nil, fmt.Errorf("cannot load certificate %q: %v in %s", st.SSLCertificate, err, s.Pos)
		}
		certs[s] = serverTLSConfig(&c, st.SSLProtocols)
	}
	return certs, nil
}

// tlsProtocols maps ssl_protocols names to Go's versions; Go has no SSLv3.
var tlsProtocols = map[string]uint16{
	"TLSv1":   tls.VersionTLS10,
	"TLSv1.1": tls.VersionTLS11,
	"TLSv1.2": tls.VersionTLS12,
	"TLSv1.3": tls.VersionTLS13,
}

// tlsListener wraps a listener of an ssl socket. The certificate is chosen
// per handshake from the binding in force: SNI selects the server block as
// Host does, so each server's ssl_certificate is served for its names, and
// a reload that changes certificates applies to new connections.
func (l *listener) tlsListener(ln net.Listener) net.Listener {
	cfg := &tls.Config{
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			b := l.binding.Load()
			local := netipOf(hello.Conn.LocalAddr())
			srv := b.rt.router.Select(b.sock, local, []byte(hello.ServerName))
			c, ok := b.rt.certs[srv]
			if !ok {
				// nginx: no "ssl_certificate" is defined for the listen ... ssl directive
				return nil, fmt.Errorf("no ssl_certificate for server %s", srv.Pos)
			}
			return c, nil
		},
	}
	return tls.NewListener(ln, cfg)
}

// serverTLSConfig builds the configuration for one server's handshake.
func serverTLSConfig(cert *tls.Certificate, protocols []string) *tls.Config {
	c := &tls.Config{Certificates: []tls.Certificate{*cert}, NextProtos: []string{"http/1.1"}}
	for _, p := range protocols {
		v, ok := tlsProtocols[p]
		if !ok {
			continue
		}
		if c.MinVersion == 0 || v < c.MinVersion {
			c.MinVersion = v
		}
		if v > c.MaxVersion {
			c.MaxVersion = v
		}
	}
	return c
}
