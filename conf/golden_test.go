package conf

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

// coreHosts is the resolver of the core golden tests (the -update flag
// and the resolver are shared with the upstream side's golden tests):
// localhost has both families, IPv6 first, to show that listen picks IPv4.
var coreHosts = map[string][]string{
	"localhost":   {"::1", "127.0.0.1"},
	"backend.lan": {"10.0.0.7", "10.0.0.8"},
}

// loadTestdata loads testdata/DIR/NAME with testdata as the prefix, so
// includes and certificate paths resolve inside testdata.
func loadTestdata(t *testing.T, file string) (*Config, string, error) {
	t.Helper()
	prefix, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(LoadOptions{Prefix: prefix, File: file})
	return c, prefix, err
}

// TestGoldenOK builds every testdata/ok/*.conf and compares the dump of the
// model with its .golden file.
func TestGoldenOK(t *testing.T) {
	conftest.Hosts(t, coreHosts)
	files, _ := filepath.Glob("testdata/ok/*.conf")
	if len(files) == 0 {
		t.Fatal("no testdata/ok/*.conf")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".conf")
		t.Run(name, func(t *testing.T) {
			c, _, err := loadTestdata(t, filepath.Join("ok", filepath.Base(f)))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			compareFile(t, strings.TrimSuffix(f, ".conf")+".golden", []byte(dump(c)))
		})
	}
}

// TestGoldenBad loads every testdata/bad/*.conf and compares the error,
// with its file:line:col, with its .err file.
func TestGoldenBad(t *testing.T) {
	conftest.Hosts(t, coreHosts)
	files, _ := filepath.Glob("testdata/bad/*.conf")
	if len(files) == 0 {
		t.Fatal("no testdata/bad/*.conf")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".conf")
		t.Run(name, func(t *testing.T) {
			_, prefix, err := loadTestdata(t, filepath.Join("bad", filepath.Base(f)))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			var perr *parser.Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %v is %T, want *parser.Error", err, err)
			}
			got := strings.ReplaceAll(err.Error(), prefix+"/", "") + "\n"
			compareFile(t, strings.TrimSuffix(f, ".conf")+".err", []byte(got))
		})
	}
}
