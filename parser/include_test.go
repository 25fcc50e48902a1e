package parser

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles creates files (name -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// names lists the directive names of a tree, depth first.
func names(dirs []*Directive) string {
	var out []string
	var walk func([]*Directive)
	walk = func(ds []*Directive) {
		for _, d := range ds {
			out = append(out, d.Name)
			walk(d.Block)
		}
	}
	walk(dirs)
	return strings.Join(out, " ")
}

func TestParseFileInclude(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // directive names, depth first
	}{
		{
			name: "glob expands in byte order",
			files: map[string]string{
				"main.conf":    "include d/*.conf;",
				"d/9.conf":     "nine;",
				"d/10.conf":    "ten;",
				"d/b.conf":     "b;",
				"d/a.conf":     "a;",
				"d/skip.other": "skip;",
			},
			want: "ten nine a b",
		},
		{
			name: "glob skips dot files like glob(3)",
			files: map[string]string{
				"main.conf":      "include */*.conf;",
				"d/.hidden.conf": "hidden;",
				"d/shown.conf":   "shown;",
				".d/x.conf":      "dotparent;",
			},
			want: "shown",
		},
		{
			name: "explicit leading dot in the pattern matches dot files",
			files: map[string]string{
				"main.conf":      "include d/.*.conf;",
				"d/.hidden.conf": "hidden;",
			},
			want: "hidden",
		},
		{
			name:  "glob matching nothing is fine",
			files: map[string]string{"main.conf": "x { include none/*.conf; }"},
			want:  "x",
		},
		{
			name: "include inside nested blocks",
			files: map[string]string{
				"main.conf": "http { server { include s.conf; } }",
				"s.conf":    "listen 80; location / { include l.conf; }",
				"l.conf":    "return 204;",
			},
			want: "http server listen location return",
		},
		{
			name: "the same file twice is not a cycle",
			files: map[string]string{
				"main.conf": "a { include c.conf; } b { include c.conf; }",
				"c.conf":    "c;",
			},
			want: "a c b c",
		},
		{
			name: "quoted include path",
			files: map[string]string{
				"main.conf":       `include "with space.conf";`,
				"with space.conf": "spaced;",
			},
			want: "spaced",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			dirs, err := ParseFile("main.conf", Options{Prefix: dir})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(dirs); got != tt.want {
				t.Errorf("directives = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseFileEmptyBlockStaysABlock checks that a block whose only content
// was an include matching nothing is still a block.
func TestParseFileEmptyBlockStaysABlock(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"main.conf": "events { include none/*.conf; }"})
	dirs, err := ParseFile("main.conf", Options{Prefix: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !dirs[0].IsBlock() || len(dirs[0].Block) != 0 {
		t.Errorf("events = %#v, want an empty block", dirs[0])
	}
}

// TestParseFilePositions checks that included directives keep their own
// file positions and the includer's stay intact.
func TestParseFilePositions(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.conf": "first;\ninclude inc.conf;\nlast;\n",
		"inc.conf":  "\n  middle x;\n",
	})
	dirs, err := ParseFile("main.conf", Options{Prefix: dir})
	if err != nil {
		t.Fatal(err)
	}
	main, inc := filepath.Join(dir, "main.conf"), filepath.Join(dir, "inc.conf")
	want := []Pos{{main, 1, 1}, {inc, 2, 3}, {main, 3, 1}}
	if len(dirs) != len(want) {
		t.Fatalf("got %d directives:\n%s", len(dirs), dumpTree(dirs))
	}
	for i, w := range want {
		if dirs[i].Pos != w {
			t.Errorf("directive %d at %s, want %s", i, dirs[i].Pos, w)
		}
	}
	if got := dirs[1].Args[0].Pos; got != (Pos{inc, 2, 10}) {
		t.Errorf("arg at %s, want %s:2:10", got, inc)
	}
}

func TestParseFileResolution(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(dir, "elsewhere", "abs.conf")
	writeFiles(t, dir, map[string]string{
		"conf/main.conf":     "include " + abs + ";\ninclude conf/rel.conf;",
		"conf/rel.conf":      "rel;",
		"elsewhere/abs.conf": "abs;",
	})
	t.Run("relative paths resolve against the prefix", func(t *testing.T) {
		dirs, err := ParseFile("conf/main.conf", Options{Prefix: dir})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(dirs); got != "abs rel" {
			t.Errorf("directives = %q", got)
		}
		if got := dirs[1].Pos.File; got != filepath.Join(dir, "conf/rel.conf") {
			t.Errorf("file = %q", got)
		}
	})
	t.Run("an absolute main path ignores the prefix", func(t *testing.T) {
		dirs, err := ParseFile(abs, Options{Prefix: "/nonexistent"})
		if err != nil || names(dirs) != "abs" {
			t.Errorf("ParseFile = %q, %v", names(dirs), err)
		}
	})
	t.Run("no prefix means the current directory", func(t *testing.T) {
		t.Chdir(dir)
		dirs, err := ParseFile("conf/main.conf", Options{})
		if err != nil || names(dirs) != "abs rel" {
			t.Fatalf("ParseFile = %q, %v", names(dirs), err)
		}
		if got := dirs[1].Pos.File; got != "conf/rel.conf" {
			t.Errorf("file = %q, want conf/rel.conf", got)
		}
	})
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		link  [2]string // optional symlink: target, name
		want  string    // with DIR standing for the prefix
	}{
		{
			name: "missing main file has no position",
			want: `open() "DIR/main.conf" failed (2: No such file or directory)`,
		},
		{
			name:  "missing include",
			files: map[string]string{"main.conf": "http {\n  include nope.conf;\n}"},
			want:  `open() "DIR/nope.conf" failed (2: No such file or directory) in DIR/main.conf:2:3`,
		},
		{
			name:  "include of a directory",
			files: map[string]string{"main.conf": "include d;", "d/x.conf": "x;"},
			want:  `pread() "DIR/d" failed (21: Is a directory) in DIR/main.conf:1:1`,
		},
		{
			name:  "bad glob pattern",
			files: map[string]string{"main.conf": "include [.conf;"},
			want:  `glob() "DIR/[.conf" failed in DIR/main.conf:1:1`,
		},
		{
			name:  "self include",
			files: map[string]string{"main.conf": "a;\ninclude main.conf;"},
			want:  `include cycle: "DIR/main.conf" includes itself in DIR/main.conf:2:1`,
		},
		{
			name: "cycle through a glob",
			files: map[string]string{
				"main.conf":     "include conf.d/*.conf;",
				"conf.d/a.conf": "ok;",
				"conf.d/b.conf": "x { include main.conf; }",
			},
			want: `include cycle: "DIR/main.conf" -> "DIR/conf.d/b.conf" -> "DIR/main.conf" in DIR/conf.d/b.conf:1:5`,
		},
		{
			name:  "cycle through a symlink",
			files: map[string]string{"main.conf": "include link.conf;"},
			link:  [2]string{"main.conf", "link.conf"},
			want:  `include cycle: "DIR/main.conf" includes itself in DIR/main.conf:1:1`,
		},
		{
			name: "syntax error in an included file",
			files: map[string]string{
				"main.conf": "include bad.conf;",
				"bad.conf":  "a {\n",
			},
			want: `unexpected end of file, expecting "}" in DIR/bad.conf:2:1`,
		},
		{
			name:  "include with too many arguments",
			files: map[string]string{"main.conf": "x {\n include a b;\n}"},
			want:  `invalid number of arguments in "include" directive in DIR/main.conf:2:2`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			if tt.link[1] != "" {
				if err := os.Symlink(tt.link[0], filepath.Join(dir, tt.link[1])); err != nil {
					t.Fatal(err)
				}
			}
			_, err := ParseFile("main.conf", Options{Prefix: dir})
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error = %v (%T), want *Error", err, err)
			}
			if want := strings.ReplaceAll(tt.want, "DIR", dir); err.Error() != want {
				t.Errorf("error = %q\nwant    %q", err.Error(), want)
			}
		})
	}
}
