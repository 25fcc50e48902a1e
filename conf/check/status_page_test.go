package check_test

import (
	"testing"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/internal/conftest"
)

func TestParseFormat(t *testing.T) {
	for _, f := range []check.Format{check.HTML, check.CSV, check.JSON} {
		got, ok := check.ParseFormat(f.String())
		if !ok || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, ok)
		}
	}
	for _, s := range []string{"", "JSON", "xml", "prometheus"} {
		if _, ok := check.ParseFormat(s); ok {
			t.Errorf("ParseFormat(%q) accepted", s)
		}
	}
}

func TestParseStatusPage(t *testing.T) {
	for src, want := range map[string]check.Format{
		"check_status;": check.HTML, "check_status html;": check.HTML,
		"check_status csv;": check.CSV, "check_status json;": check.JSON,
	} {
		p, err := check.ParseStatusPage(conftest.Directive(t, src))
		if err != nil || p.Format != want || p.Pos.Line != 1 || p.Pos.Col != 1 {
			t.Errorf("%s: %+v, %v", src, p, err)
		}
	}
	for src, want := range map[string]string{
		"check_status xml;":        `invalid check format "xml" in t.conf:1:14`,
		"check_status prometheus;": `gw does not implement the "prometheus" check_status format in t.conf:1:14`,
	} {
		if _, err := check.ParseStatusPage(conftest.Directive(t, src)); err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %s", src, err, want)
		}
	}
}
