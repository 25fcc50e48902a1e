package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is the checkout, the prefix under which conf/gw.conf lives.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestVersionFlags(t *testing.T) {
	out, code := runGW(t, "-v")
	if code != 0 || !regexp.MustCompile(`^gw version: gw/\d+\.\d+\.\d+\n$`).MatchString(out) {
		t.Fatalf("gw -v: exit %d, output %q", code, out)
	}
	out, code = runGW(t, "-V")
	if code != 0 || !strings.HasPrefix(out, "gw version: gw/") || !strings.Contains(out, "built with go") {
		t.Fatalf("gw -V: exit %d, output %q", code, out)
	}
	for _, d := range []string{"session_sticky", "proxy_pass", "location", "upstream"} {
		if !regexp.MustCompile(`\b` + d + `\b`).MatchString(out) {
			t.Errorf("gw -V does not list directive %q:\n%s", d, out)
		}
	}
}

func TestTestFlagOnBundledConfiguration(t *testing.T) {
	root := repoRoot(t)
	out, code := runGW(t, "-p", root, "-t")
	file := filepath.Join(root, "conf", "gw.conf")
	want := "gw: the configuration file " + file + " syntax is ok\n" +
		"gw: configuration file " + file + " test is successful\n"
	if code != 0 || !strings.HasSuffix(out, want) {
		t.Fatalf("gw -t: exit %d, output:\n%s\nwant it to end with:\n%s", code, out, want)
	}
	out, code = runGW(t, "-p", root, "-t", "-q")
	if code != 0 || out != "" {
		t.Fatalf("gw -t -q: exit %d, output %q, want silence", code, out)
	}
}

func TestTestFlagReportsPositionedError(t *testing.T) {
	prefix := writePrefix(t, "events {}\nhttp {\n    server {\n        listen 127.0.0.1:1;\n        bogus on;\n    }\n}\n")
	file := filepath.Join(prefix, "conf", "gw.conf")
	out, code := runGW(t, "-p", prefix, "-t")
	want := "gw: [emerg] unknown directive \"bogus\" in " + file + ":5:9\n" +
		"gw: configuration file " + file + " test failed\n"
	if code != 1 || out != want {
		t.Fatalf("gw -t on a bad file: exit %d, output:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestDumpFlagPrintsConfigurationThatTestsAgain(t *testing.T) {
	root := repoRoot(t)
	out, code := runGW(t, "-p", root, "-T", "-q")
	if code != 0 || !strings.Contains(out, "session_sticky") || !strings.Contains(out, "proxy_pass http://app;") {
		t.Fatalf("gw -T: exit %d, output:\n%s", code, out)
	}
	prefix := writePrefix(t, out)
	if again, code := runGW(t, "-p", prefix, "-t", "-q"); code != 0 {
		t.Fatalf("gw -t on gw -T's output: exit %d:\n%s\nthe dump was:\n%s", code, again, out)
	}
}

func TestGlobalsFlag(t *testing.T) {
	prefix := writePrefix(t, "events {}\n")
	if out, code := runGW(t, "-p", prefix, "-t", "-q", "-g", "worker_processes 2;"); code != 0 {
		t.Fatalf("gw -g 'worker_processes 2;': exit %d: %s", code, out)
	}
	out, code := runGW(t, "-p", prefix, "-t", "-q", "-g", "no_such_thing 2;")
	if code != 1 || !strings.Contains(out, `unknown directive "no_such_thing"`) || !strings.Contains(out, "command line") {
		t.Fatalf("gw -g with an unknown directive: exit %d, output %q", code, out)
	}
}

func TestSignalWithoutRunningGW(t *testing.T) {
	prefix := writePrefix(t, "pid logs/gw.pid;\nevents {}\n")
	out, code := runGW(t, "-p", prefix, "-s", "reload")
	if code != 1 || !strings.Contains(out, `open() "`+filepath.Join(prefix, "logs", "gw.pid")+`" failed`) {
		t.Fatalf("gw -s reload without a pid file: exit %d, output %q", code, out)
	}
	out, code = runGW(t, "-p", prefix, "-s", "bogus")
	if code != 1 || !strings.Contains(out, "invalid option") {
		t.Fatalf("gw -s bogus: exit %d, output %q", code, out)
	}
}

// TestExamplesPassTest loads every file in conf/ and conf/examples/ with
// gw -t. A file that needs a directive gw does not implement yet is listed
// with the error it must give until then, so this test notices when it
// starts to pass.
func TestExamplesPassTest(t *testing.T) {
	root := repoRoot(t)
	pending := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(root, "conf", "examples", "*.conf"))
	files = append(files, filepath.Join(root, "conf", "gw.conf"))
	if len(files) < 6 {
		t.Fatalf("expected the bundled configuration and at least five examples, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, code := runGW(t, "-p", root, "-c", f, "-t")
			if want, ok := pending[filepath.Base(f)]; ok {
				if code != 1 || !strings.Contains(out, want) {
					t.Fatalf("expected %q until its directive exists; exit %d:\n%s", want, code, out)
				}
				return
			}
			if code != 0 {
				t.Fatalf("gw -t: exit %d:\n%s", code, out)
			}
			// gw -T's dump is itself a configuration gw -t accepts.
			dump, code := runGW(t, "-p", root, "-c", f, "-T", "-q")
			if code != 0 {
				t.Fatalf("gw -T: exit %d:\n%s", code, dump)
			}
			// Under the same prefix, so the files the configuration names
			// (a user file, certificates) resolve as they did.
			dumped := filepath.Join(writePrefix(t, dump), "conf", "gw.conf")
			if again, code := runGW(t, "-p", root, "-c", dumped, "-t", "-q"); code != 0 {
				t.Fatalf("gw -t on the -T dump: exit %d:\n%s\n%s", code, again, dump)
			}
		})
	}
}

func TestMissingConfigurationFile(t *testing.T) {
	prefix := t.TempDir()
	out, code := runGW(t, "-p", prefix, "-t")
	want := `open() "` + filepath.Join(prefix, "conf", "gw.conf") + `" failed (2: No such file or directory)`
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("gw -t without a file: exit %d, output %q, want %q", code, out, want)
	}
	if _, err := os.Stat(filepath.Join(prefix, "logs")); err == nil {
		t.Errorf("gw -t created files under the prefix")
	}
}

// TestHelpFlags: -? and -h print the usage, as nginx's do, and exit 0; the
// usage line names every flag gw takes.
func TestHelpFlags(t *testing.T) {
	for _, flag := range []string{"-?", "-h"} {
		out, code := runGW(t, flag)
		if code != 0 || !strings.Contains(out, "gw [-?hvVtTq] [-s signal] [-p prefix] [-e filename] [-c filename] [-g directives]") {
			t.Errorf("gw %s: exit %d:\n%s", flag, code, out)
		}
		for _, f := range []string{"-v", "-V", "-t", "-T", "-q", "-s", "-p", "-e", "-c", "-g"} {
			if !strings.Contains(out, "   "+f+" ") {
				t.Errorf("gw %s does not explain %s:\n%s", flag, f, out)
			}
		}
	}
}
