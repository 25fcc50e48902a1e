package parser

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses the realistic proxy configuration of the golden
// tests; SetBytes makes the result comparable across config sizes.
func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(okDir, "realistic.conf"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("realistic.conf", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrint prints the same configuration, as gw -T does.
func BenchmarkPrint(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(okDir, "realistic.conf"))
	if err != nil {
		b.Fatal(err)
	}
	dirs, err := Parse("realistic.conf", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Print(discard{}, dirs); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
