package ssl_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/conf/ssl"
	"github.com/gw-proxy/gw/parser"
)

// file is a file of conf's TLS test material.
func file(name string) string { return filepath.Join("..", "testdata", "ssl", name) }

// errText is err's text, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestCheckFiles(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) error
		file  string
		want  string
	}{
		{"a certificate", ssl.CheckCertificate, "gw.crt", ""},
		{"a missing certificate", ssl.CheckCertificate, "missing.crt", "no such file or directory"},
		{"a certificate that is not PEM", ssl.CheckCertificate, "broken.crt", "no usable PEM data"},
		{"a key is no certificate", ssl.CheckCertificate, "gw.key", "no usable PEM data"},
		{"a key", ssl.CheckKey, "gw.key", ""},
		{"a certificate is no key", ssl.CheckKey, "gw.crt", "no usable PEM data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errText(tt.check(file(tt.file))); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckPair(t *testing.T) {
	if err := ssl.CheckPair(file("gw.crt"), file("gw.key")); err != nil {
		t.Errorf("matching pair: %v", err)
	}
	if err := ssl.CheckPair(file("gw.crt"), file("other.key")); err == nil {
		t.Error("a key of another certificate was accepted")
	}
}

func TestParseProtocols(t *testing.T) {
	tests := []struct {
		src, want, warned, err string
	}{
		{"ssl_protocols TLSv1.2 TLSv1.3;", "[TLSv1.2 TLSv1.3]", "", ""},
		{"ssl_protocols SSLv3 TLSv1.2;", "[TLSv1.2]", `"SSLv3" is not supported by gw and is ignored at t.conf:1:15`, ""},
		{"ssl_protocols TLSv1.2 TLSv1.4;", "", "", `invalid value "TLSv1.4" in t.conf:1:23`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			var warned []string
			warn := func(pos parser.Pos, format string, args ...any) {
				warned = append(warned, fmt.Sprintf(format, args...)+" at "+pos.String())
			}
			got, err := ssl.ParseProtocols(conftest.Directive(t, tt.src), warn)
			if errText(err) != tt.err {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if err == nil && fmt.Sprint(got) != tt.want {
				t.Errorf("protocols %v, want %s", got, tt.want)
			}
			var want []string
			if tt.warned != "" {
				want = []string{tt.warned}
			}
			if !slices.Equal(warned, want) {
				t.Errorf("warnings %q, want %q", warned, want)
			}
		})
	}
}
