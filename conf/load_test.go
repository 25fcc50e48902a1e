package conf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

// writeConf writes files under a fresh prefix and returns it.
func writeConf(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadFindsDefaultFileUnderPrefix(t *testing.T) {
	dir := writeConf(t, map[string]string{"conf/gw.conf": "events {}\npid run/x.pid;\n"})
	c, err := Load(LoadOptions{Prefix: dir})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "conf/gw.conf"); c.File != want {
		t.Errorf("File = %q, want %q", c.File, want)
	}
	if want := filepath.Join(dir, "run/x.pid"); c.PidFile != want {
		t.Errorf("PidFile = %q, want %q (relative to the prefix)", c.PidFile, want)
	}
}

func TestLoadGlobals(t *testing.T) {
	dir := writeConf(t, map[string]string{
		"gw.conf":       "events {}\nworker_processes 2;\n",
		"with_pid.conf": "events {}\npid a.pid;\n",
	})
	tests := []struct {
		name    string
		file    string
		globals string
		want    string // error text with the prefix stripped; "" for success
	}{
		{"globals apply", "gw.conf", "daemon off; pid g.pid;", ""},
		{"unknown directive names the command line", "gw.conf", "nosuch on;",
			`unknown directive "nosuch" in command line:1:1`},
		{"globals are main context only", "gw.conf", "listen 80;",
			`"listen" directive is not allowed here in command line:1:1`},
		{"a directive in both is duplicate at the file", "with_pid.conf", "pid g.pid;",
			`"pid" directive is duplicate in with_pid.conf:2:1`},
		{"globals syntax errors name the command line", "gw.conf", "pid x",
			"command line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(LoadOptions{Prefix: dir, File: tt.file, Globals: tt.globals})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.PidFile != filepath.Join(dir, "g.pid") || c.WorkerProcesses != 2 {
					t.Errorf("PidFile %q WorkerProcesses %d: globals or file not applied", c.PidFile, c.WorkerProcesses)
				}
				if c.Tree[0].Pos.File != GlobalsFile {
					t.Errorf("Tree starts at %v, want the -g directives first", c.Tree[0].Pos)
				}
				return
			}
			var perr *parser.Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %v, want *parser.Error", err)
			}
			if got := strings.ReplaceAll(err.Error(), dir+"/", ""); !strings.Contains(got, tt.want) {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadRelativePrefixIsMadeAbsolute(t *testing.T) {
	c, err := Load(LoadOptions{Prefix: "testdata", File: "ok/minimal.conf"})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(c.Prefix) || !filepath.IsAbs(c.File) || !filepath.IsAbs(c.ErrorLog.Path) {
		t.Errorf("Prefix %q File %q ErrorLog %q: want absolute paths", c.Prefix, c.File, c.ErrorLog.Path)
	}
}

func TestLoadMissingFileIsPositionedError(t *testing.T) {
	_, err := Load(LoadOptions{Prefix: t.TempDir()})
	var perr *parser.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v, want *parser.Error", err)
	}
}

// TestShippedConfigs loads the configuration gw ships and every example,
// as an operator would with gw -t.
func TestShippedConfigs(t *testing.T) {
	files, _ := filepath.Glob("examples/*.conf")
	files = append(files, "gw.conf")
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			_, err := Load(LoadOptions{Prefix: "..", File: filepath.Join("conf", f)})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBuildUnexpandedInclude documents that Build wants a tree with its
// includes expanded, and says so at the include.
func TestBuildUnexpandedInclude(t *testing.T) {
	tree, err := parser.Parse("t.conf", []byte("events {}\ninclude other.conf;\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(tree, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "t.conf:2:1") {
		t.Fatalf("error %v, want one at the include", err)
	}
}

// TestLoadOverlay checks that Load reads the overlay's texts instead of the
// disk's, for the configuration file and its includes, so an edit can be
// checked before it is written: a good overlay over a bad disk loads, a bad
// overlay over a good disk fails at the overlay's position.
func TestLoadOverlay(t *testing.T) {
	good := "events {}\nhttp { include up.conf; server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } } }\n"
	dir := writeConf(t, map[string]string{
		"gw.conf": good,
		"up.conf": "upstream app { server 127.0.0.1:9001; }\n",
	})
	main, inc := filepath.Join(dir, "gw.conf"), filepath.Join(dir, "up.conf")
	tests := []struct {
		name    string
		overlay map[string][]byte
		err     string // with the prefix stripped; "" for success
	}{
		{"no overlay", nil, ""},
		{"include changed", map[string][]byte{inc: []byte("upstream app { server 127.0.0.1:9001 weight=0; }\n")},
			`invalid parameter "weight=0" in up.conf:1:38`},
		{"main file changed", map[string][]byte{main: []byte("events {}\nhttp { nosuch; }\n")},
			`unknown directive "nosuch" in gw.conf:2:8`},
		{"upstream renamed in both", map[string][]byte{
			main: []byte(strings.Replace(good, "http://app", "http://b", 1)),
			inc:  []byte("upstream b { server 127.0.0.1:9002; }\n"),
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(LoadOptions{Prefix: dir, File: "gw.conf", Overlay: tt.overlay})
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.HTTP == nil || len(c.HTTP.Upstreams) != 1 {
					t.Fatalf("HTTP = %+v, want one upstream", c.HTTP)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want %q", tt.err)
			}
			if got := strings.ReplaceAll(err.Error(), dir+"/", ""); got != tt.err {
				t.Errorf("err = %q, want %q", got, tt.err)
			}
		})
	}
	// The disk is untouched.
	if b, _ := os.ReadFile(main); string(b) != good {
		t.Errorf("gw.conf changed on disk: %q", b)
	}
}
