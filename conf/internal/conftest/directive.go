// Package conftest holds what the tests of conf and its subpackages share:
// one directive parsed from text, and a resolver that knows only the names
// a test gives it.
package conftest

import (
	"testing"

	"github.com/gw-proxy/gw/parser"
)

// Directive parses src, which holds one directive (a block counts as one),
// as the file t.conf, for the tests of the functions that read one
// directive.
func Directive(t testing.TB, src string) *parser.Directive {
	t.Helper()
	ds, err := parser.Parse("t.conf", []byte(src))
	if err != nil || len(ds) != 1 {
		t.Fatalf("parse %q: %v (%d directives)", src, err, len(ds))
	}
	return ds[0]
}
