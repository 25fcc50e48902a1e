package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeExamplesPassTest loads every ```nginx block of the README with
// gw -t, so the documentation cannot drift from what gw accepts.
func TestReadmeExamplesPassTest(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := nginxBlocks(string(readme))
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```nginx block")
	}
	for i, b := range blocks {
		prefix := writePrefix(t, b)
		if out, code := runGW(t, "-p", prefix, "-t", "-q"); code != 0 {
			t.Errorf("README nginx block %d fails gw -t (exit %d):\n%s\n%s", i+1, code, out, b)
		}
	}
}

// nginxBlocks returns the contents of the ```nginx fenced blocks of a
// markdown text.
func nginxBlocks(md string) []string {
	var blocks []string
	for {
		start := strings.Index(md, "\n```nginx\n")
		if start < 0 {
			return blocks
		}
		md = md[start+len("\n```nginx\n"):]
		end := strings.Index(md, "\n```")
		if end < 0 {
			return blocks
		}
		blocks = append(blocks, md[:end+1])
		md = md[end+4:]
	}
}
