package parser

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const (
	okDir  = "testdata/ok"
	badDir = "testdata/bad"
)

// confFiles lists the top-level *.conf files of dir (helpers included by
// them live in subdirectories).
func confFiles(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s: %v", dir, err)
	}
	return files
}

// goldenOK renders what a golden file holds: the printed tree, then every
// position.
func goldenOK(t *testing.T, dirs []*Directive) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Print(&b, dirs); err != nil {
		t.Fatal(err)
	}
	b.WriteString("# positions\n")
	b.WriteString(dumpTree(dirs))
	return b.Bytes()
}

// compareGolden compares got with the golden file, or rewrites it under
// -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./parser -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestGoldenOK(t *testing.T) {
	for _, file := range confFiles(t, okDir) {
		name := strings.TrimSuffix(filepath.Base(file), ".conf")
		t.Run(name, func(t *testing.T) {
			dirs, err := ParseFile(filepath.Base(file), Options{Prefix: okDir})
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			compareGolden(t, filepath.Join(okDir, name+".golden"), goldenOK(t, dirs))
		})
	}
}

func TestGoldenBad(t *testing.T) {
	for _, file := range confFiles(t, badDir) {
		name := strings.TrimSuffix(filepath.Base(file), ".conf")
		t.Run(name, func(t *testing.T) {
			_, err := ParseFile(filepath.Base(file), Options{Prefix: badDir})
			if err == nil {
				t.Fatal("ParseFile succeeded, want an error")
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T %v is not a *parser.Error", err, err)
			}
			compareGolden(t, filepath.Join(badDir, name+".err"), []byte(err.Error()+"\n"))
		})
	}
}

// TestRoundTrip checks that printing any ok file and parsing the output
// gives the same tree, and that printing is a fixed point after one pass.
func TestRoundTrip(t *testing.T) {
	for _, file := range confFiles(t, okDir) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			first := mustParse(t, file, src)
			printed := mustPrint(t, first)
			second := mustParse(t, "printed", printed)
			if d := diffTrees(first, second); d != "" {
				t.Fatalf("tree changed by print+parse: %s\nprinted:\n%s", d, printed)
			}
			if again := mustPrint(t, second); !bytes.Equal(again, printed) {
				t.Errorf("printing is not stable:\n%s\nthen\n%s", printed, again)
			}
		})
	}
}

func mustParse(t testing.TB, name string, src []byte) []*Directive {
	t.Helper()
	dirs, err := Parse(name, src)
	if err != nil {
		t.Fatalf("Parse(%s): %v\n%s", name, err, src)
	}
	return dirs
}

func mustPrint(t testing.TB, dirs []*Directive) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Print(&b, dirs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
