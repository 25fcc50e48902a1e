package conf

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"slices"

	"github.com/gw-proxy/gw/parser"
)

// tlsProtocols are the ssl_protocols values gw can speak (Go's crypto/tls).
var tlsProtocols = []string{"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}

// sslCertificateSetter reads ssl_certificate. Like nginx -t, the file is
// loaded now, so a missing or broken certificate fails the test rather
// than the first TLS handshake.
func sslCertificateSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	path := b.path(d.Args[0].Value)
	if err := loadPEM(path, isCertificate); err != nil {
		return nil, errorAt(d.Args[0].Pos, "cannot load certificate %q: %s", path, err)
	}
	return func(s *Settings) { s.SSLCertificate = path }, nil
}

// sslKeySetter reads ssl_certificate_key, loading the key like the
// certificate.
func sslKeySetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	path := b.path(d.Args[0].Value)
	if err := loadPEM(path, isPrivateKey); err != nil {
		return nil, errorAt(d.Args[0].Pos, "cannot load certificate key %q: %s", path, err)
	}
	return func(s *Settings) { s.SSLCertificateKey = path }, nil
}

// sslProtocolsSetter reads ssl_protocols. SSLv2 and SSLv3 are accepted (old
// nginx files list them) but cannot be spoken, hence the warning.
func sslProtocolsSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	var protos []string
	for _, a := range d.Args {
		switch {
		case slices.Contains(tlsProtocols, a.Value):
			protos = append(protos, a.Value)
		case a.Value == "SSLv2" || a.Value == "SSLv3":
			b.warn(a.Pos, "%q is not supported by gw and is ignored", a.Value)
		default:
			return nil, errorAt(a.Pos, "invalid value %q", a.Value)
		}
	}
	return func(s *Settings) { s.SSLProtocols = protos }, nil
}

// loadPEM reads a PEM file and checks that some block passes ok.
func loadPEM(path string, ok func(*pem.Block) bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return errors.New("no usable PEM data")
		}
		if ok(blk) {
			return nil
		}
	}
}

func isCertificate(b *pem.Block) bool {
	if b.Type != "CERTIFICATE" {
		return false
	}
	_, err := x509.ParseCertificate(b.Bytes)
	return err == nil
}

func isPrivateKey(b *pem.Block) bool {
	switch b.Type {
	case "PRIVATE KEY":
		_, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		return err == nil
	case "RSA PRIVATE KEY":
		_, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		return err == nil
	case "EC PRIVATE KEY":
		_, err := x509.ParseECPrivateKey(b.Bytes)
		return err == nil
	}
	return false
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
	if _, err := tls.LoadX509KeyPair(s.SSLCertificate, s.SSLCertificateKey); err != nil {
		return errorAt(srv.Pos, "cannot load certificate key %q: %s", s.SSLCertificateKey, err)
	}
	return nil
}
