package conf

import (
	"github.com/gw-proxy/gw/conf/ssl"
	"github.com/gw-proxy/gw/parser"
)

// sslCertificateSetter reads ssl_certificate. Like nginx -t, the file is
// loaded now, so a missing or broken certificate fails the test rather
// than the first TLS handshake.
func sslCertificateSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	path := b.path(d.Args[0].Value)
	if err := ssl.CheckCertificate(path); err != nil {
		return nil, errorAt(d.Args[0].Pos, "cannot load certificate %q: %s", path, err)
	}
	return func(s *Settings) { s.SSLCertificate = path }, nil
}

// sslKeySetter reads ssl_certificate_key, loading the key like the
// certificate.
func sslKeySetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	path := b.path(d.Args[0].Value)
	if err := ssl.CheckKey(path); err != nil {
		return nil, errorAt(d.Args[0].Pos, "cannot load certificate key %q: %s", path, err)
	}
	return func(s *Settings) { s.SSLCertificateKey = path }, nil
}

// sslProtocolsSetter reads ssl_protocols.
func sslProtocolsSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	protos, err := ssl.ParseProtocols(d, b.warn)
	if err != nil {
		return nil, err
	}
	return func(s *Settings) { s.SSLProtocols = protos }, nil
}

// checkServerTLS runs once the server's settings are merged: an ssl listen
// needs a certificate, a certificate needs its key, and the two must match.
func checkServerTLS(srv *Server) error {
	s := srv.Settings
	if s.SSLCertificate == "" {
		for _, l := range srv.Listens {
			if l.SSL {
				return errorAt(l.Pos, "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive")
			}
		}
		return nil
	}
	if s.SSLCertificateKey == "" {
		return errorAt(srv.Pos, "no \"ssl_certificate_key\" is defined for certificate %q", s.SSLCertificate)
	}
	if err := ssl.CheckPair(s.SSLCertificate, s.SSLCertificateKey); err != nil {
		return errorAt(srv.Pos, "cannot load certificate key %q: %s", s.SSLCertificateKey, err)
	}
	return nil
}
