package logs_test

import (
	"fmt"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/parser"
)

func under(name string) string { return "/prefix/" + name }

func TestParseAccess(t *testing.T) {
	var notices []string
	notice := func(pos parser.Pos, format string, args ...any) {
		notices = append(notices, fmt.Sprintf(format, args...)+" at "+pos.String())
	}
	d := conftest.Directive(t, "access_log logs/a.log main if=$arg_log buffer=32k;")
	l, off, err := logs.ParseAccess(d, under, notice)
	if err != nil || off {
		t.Fatalf("ParseAccess: off %v, %v", off, err)
	}
	if l.Path != "/prefix/logs/a.log" || l.FormatName != "main" || l.If == nil || l.Format != nil {
		t.Errorf("got %+v", l)
	}
	want := `access_log parameter "buffer=32k" is accepted and ignored: gw has no such tuning at t.conf:1:40`
	if len(notices) != 1 || notices[0] != want {
		t.Errorf("notices %q, want %q", notices, want)
	}

	main := &logs.Format{Name: "main"}
	if err := l.Bind(d, map[string]*logs.Format{"main": main}); err != nil || l.Format != main {
		t.Errorf("Bind: %v, format %v", err, l.Format)
	}
	l.Format = nil
	if err := l.Bind(d, nil); err == nil || err.Error() != `unknown log format "main" in t.conf:1:23` {
		t.Errorf("Bind of an unknown format: %v", err)
	}

	if _, off, err := logs.ParseAccess(conftest.Directive(t, "access_log off;"), under, notice); !off || err != nil {
		t.Errorf("access_log off: off %v, %v", off, err)
	}
	_, _, err = logs.ParseAccess(conftest.Directive(t, "access_log off main;"), under, notice)
	if err == nil || err.Error() != `invalid parameter "main" in t.conf:1:16` {
		t.Errorf("access_log off main: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	combined, err := logs.Combined()
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]*logs.Format{combined.Name: combined}
	f, err := logs.ParseFormat(conftest.Directive(t, `log_format main escape=json '$remote_addr ' '$status';`), formats)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "main" || f.Format.String() != "$remote_addr $status" {
		t.Errorf("got %q %q, want the strings joined", f.Name, f.Format.String())
	}
	_, err = logs.ParseFormat(conftest.Directive(t, "log_format combined $status;"), formats)
	if err == nil || err.Error() != `duplicate "log_format" name "combined" in t.conf:1:12` {
		t.Errorf("redefining combined: %v", err)
	}
}

func TestParseError(t *testing.T) {
	el, err := logs.ParseError(conftest.Directive(t, "error_log logs/e.log warn;"), under)
	if err != nil || el != (logs.ErrorLog{Path: "/prefix/logs/e.log", Level: "warn"}) {
		t.Errorf("got %+v, %v", el, err)
	}
	el, err = logs.ParseError(conftest.Directive(t, "error_log stderr;"), under)
	if err != nil || el != (logs.ErrorLog{Path: "stderr", Level: logs.DefaultLevel}) {
		t.Errorf("stderr: got %+v, %v", el, err)
	}
	if _, err := logs.ParseError(conftest.Directive(t, "error_log syslog:server=x;"), under); err == nil {
		t.Error("syslog: accepted")
	}
}
