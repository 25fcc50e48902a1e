package parser

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseFileOverlay checks that overlay texts replace the disk's for the
// main file and includes, that globs find overlay files not on disk, that
// cycles through overlay files are still caught, and that OnRead sees every
// file read with the text used.
func TestParseFileOverlay(t *testing.T) {
	tests := []struct {
		name    string
		disk    map[string]string
		overlay map[string]string // relative to the temporary directory
		want    string            // directive names, depth first
		reads   string            // files OnRead saw, relative, in order
		err     string
	}{
		{
			name:    "main file from the overlay",
			disk:    map[string]string{"main.conf": "disk;"},
			overlay: map[string]string{"main.conf": "over;"},
			want:    "over", reads: "main.conf",
		},
		{
			name:    "main file only in the overlay",
			overlay: map[string]string{"main.conf": "include inc.conf;"},
			disk:    map[string]string{"inc.conf": "inc;"},
			want:    "inc", reads: "main.conf inc.conf",
		},
		{
			name:    "include from the overlay, others from disk",
			disk:    map[string]string{"main.conf": "include a.conf; include b.conf;", "a.conf": "a;", "b.conf": "b;"},
			overlay: map[string]string{"b.conf": "b2 { x; }"},
			want:    "a b2 x", reads: "main.conf a.conf b.conf",
		},
		{
			name:    "glob matches overlay files once, in order",
			disk:    map[string]string{"main.conf": "include d/*.conf;", "d/b.conf": "b;"},
			overlay: map[string]string{"d/a.conf": "a;", "d/b.conf": "b2;", "d/.h.conf": "hidden;"},
			want:    "a b2", reads: "main.conf d/a.conf d/b.conf",
		},
		{
			name:    "cycle through overlay files",
			overlay: map[string]string{"main.conf": "include a.conf;", "a.conf": "include main.conf;"},
			err:     "include cycle",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.disk)
			overlay := map[string][]byte{}
			for name, text := range tt.overlay {
				overlay[filepath.Join(dir, name)] = []byte(text)
			}
			var reads []string
			dirs, err := ParseFile("main.conf", Options{Prefix: dir, Overlay: overlay,
				OnRead: func(path string, src []byte) {
					rel, _ := filepath.Rel(dir, path)
					reads = append(reads, rel)
					if o, ok := overlay[path]; ok && string(o) != string(src) {
						t.Errorf("OnRead(%s) got %q, not the overlay's text", path, src)
					}
				}})
			if tt.err != "" {
				var perr *Error
				if !errors.As(err, &perr) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want a *Error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := names(dirs); got != tt.want {
				t.Errorf("directives = %q, want %q", got, tt.want)
			}
			if got := strings.Join(reads, " "); got != tt.reads {
				t.Errorf("OnRead saw %q, want %q", got, tt.reads)
			}
		})
	}
}
