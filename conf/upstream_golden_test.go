package conf

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

// update is the -update flag of every golden test of the package.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// compareFile compares got with a golden file, or rewrites the file under
// -update.
func compareFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./conf -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./conf -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s",
			path, got, want)
	}
}

// The upstream side's golden files live under testdata/upstream and use the
// same harness as testdata/ok and testdata/bad: ok/X.conf builds and dumps
// as ok/X.golden, bad/X.conf fails with the error in bad/X.err.

func TestUpstreamGoldenOK(t *testing.T) {
	conftest.Hosts(t, coreHosts)
	for _, f := range upstreamTestdata(t, "ok") {
		name := strings.TrimSuffix(filepath.Base(f), ".conf")
		t.Run(name, func(t *testing.T) {
			c, _, err := loadTestdata(t, filepath.Join("upstream", "ok", filepath.Base(f)))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			compareFile(t, strings.TrimSuffix(f, ".conf")+".golden", []byte(dump(c)))
		})
	}
}

func TestUpstreamGoldenBad(t *testing.T) {
	conftest.Hosts(t, coreHosts)
	for _, f := range upstreamTestdata(t, "bad") {
		name := strings.TrimSuffix(filepath.Base(f), ".conf")
		t.Run(name, func(t *testing.T) {
			_, prefix, err := loadTestdata(t, filepath.Join("upstream", "bad", filepath.Base(f)))
			var perr *parser.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Load: %v, want a positioned *parser.Error", err)
			}
			got := strings.ReplaceAll(err.Error(), prefix+"/", "") + "\n"
			compareFile(t, strings.TrimSuffix(f, ".conf")+".err", []byte(got))
		})
	}
}

func upstreamTestdata(t *testing.T, kind string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "upstream", kind, "*.conf"))
	if len(files) == 0 {
		t.Fatalf("no testdata/upstream/%s/*.conf", kind)
	}
	return files
}
