package conf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

// FuzzBuild feeds arbitrary text through parser.Parse and Build: whatever
// the operator writes, building returns a model or an error, never a panic.
// The seeds are the golden configurations.
func FuzzBuild(f *testing.F) {
	for _, dir := range []string{"testdata/ok", "testdata/bad", "testdata/upstream/ok", "testdata/upstream/bad"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, name := range files {
			if src, err := os.ReadFile(name); err == nil {
				f.Add(src)
			}
		}
	}
	prefix := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		// Host names must not reach a real resolver from a fuzzer.
		conftest.Hosts(t, map[string][]string{"localhost": {"127.0.0.1"}})
		tree, err := parser.Parse("fuzz.conf", src)
		if err != nil {
			return
		}
		c, err := Build(tree, prefix)
		if err == nil && c == nil {
			t.Fatal("Build returned neither a Config nor an error")
		}
	})
}
