package logs_test

import (
	"fmt"
	"strings"
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
	el, err = logs.ParseError(conftest.Directive(t, "error_log syslog:server=127.0.0.1,tag=web info;"), under)
	if err != nil || el.Path != "syslog:server=127.0.0.1,tag=web" || el.Level != logs.LevelInfo {
		t.Errorf("syslog: got %+v, %v", el, err)
	}
	if _, err := logs.ParseError(conftest.Directive(t, "error_log memory:32m;"), under); err == nil {
		t.Error("memory: accepted")
	}
	for _, bad := range []string{"syslog:facility=local7", "syslog:server=x,facility=nope", "syslog:server=x,severity=loud",
		"syslog:server=x,tag=a-b", "syslog:server=x,bogus=1"} {
		if _, err := logs.ParseError(conftest.Directive(t, "error_log "+bad+";"), under); err == nil || !strings.Contains(err.Error(), "t.conf:1:11") {
			t.Errorf("%s: %v, want an error at the target", bad, err)
		}
	}
}

func TestParseSyslog(t *testing.T) {
	s, err := logs.ParseSyslog("syslog:server=127.0.0.1")
	if err != nil || *s != (logs.Syslog{Network: "udp", Addr: "127.0.0.1:514", Facility: 23, Severity: 6, Tag: "gw"}) {
		t.Errorf("defaults: %+v, %v", s, err)
	}
	s, err = logs.ParseSyslog("syslog:server=[::1]:1514,facility=local0,severity=warn,tag=web_1,nohostname")
	if err != nil || *s != (logs.Syslog{Network: "udp", Addr: "[::1]:1514", Facility: 16, Severity: 4, Tag: "web_1", NoHostname: true}) {
		t.Errorf("all parameters: %+v, %v", s, err)
	}
	s, err = logs.ParseSyslog("syslog:server=unix:/dev/log")
	if err != nil || s.Network != "unixgram" || s.Addr != "/dev/log" {
		t.Errorf("unix: %+v, %v", s, err)
	}
}
