package ssl

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
)

// CheckCertificate reports why the file at path holds no usable
// certificate, or nil. The error is the bare reason ("no such file or
// directory", "no usable PEM data") for the caller to put in nginx's words.
func CheckCertificate(path string) error { return loadPEM(path, isCertificate) }

// CheckKey is CheckCertificate for a private key (PKCS #8, PKCS #1 or EC).
func CheckKey(path string) error { return loadPEM(path, isPrivateKey) }

// CheckPair reports whether the certificate and key files go together.
func CheckPair(cert, key string) error {
	_, err := tls.LoadX509KeyPair(cert, key)
	return err
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
