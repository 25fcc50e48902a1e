package conf

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

// TestTableRows checks the rows every slice contributes: a row is either
// structural or a setting, arrays that reset are multi, and flags take one
// argument. newTable panics on the worst mistakes; these are the rest.
func TestTableRows(t *testing.T) {
	for name, rows := range table {
		for _, r := range rows {
			if r.name != name {
				t.Errorf("row %q indexed as %q", r.name, name)
			}
			if r.ctx == 0 {
				t.Errorf("%q: no context", name)
			}
			if r.reset != nil && (!r.multi || r.set == nil) {
				t.Errorf("%q: reset needs a multi setting row", name)
			}
			if r.set != nil && r.ctx&(ctxMain|ctxEvents|ctxUpstream) != 0 {
				t.Errorf("%q: settings exist only in http, server and location", name)
			}
			if r.args.max >= 0 && r.args.max < r.args.min {
				t.Errorf("%q: arity %d..%d", name, r.args.min, r.args.max)
			}
		}
	}
}

func TestNewTableRejectsMalformedRows(t *testing.T) {
	nop := func(*builder, *parser.Directive) error { return nil }
	set := func(*builder, *parser.Directive) (func(*Settings), error) { return nil, nil }
	tests := []struct {
		name string
		rows []directive
		want string
	}{
		{"row with neither handle nor set", []directive{{name: "x", ctx: ctxHTTP}}, "exactly one"},
		{"row with both handle and set", []directive{{name: "x", ctx: ctxHTTP, handle: nop, set: set}}, "exactly one"},
		{"two rows for one context", []directive{
			{name: "x", ctx: ctxHTTP | ctxServer, handle: nop},
			{name: "x", ctx: ctxServer, handle: nop},
		}, "two rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tt.want) {
					t.Fatalf("panic %v, want one containing %q", r, tt.want)
				}
			}()
			newTable(tt.rows)
		})
	}
}

// TestLookupOrder checks that the walker's errors come in nginx's order:
// name, context, braces, then arguments.
func TestLookupOrder(t *testing.T) {
	tests := []struct {
		name string
		src  string
		ctx  ctxMask
		want string
	}{
		{"unknown name wins over everything", "nosuch { }", ctxHTTP, `unknown directive "nosuch"`},
		{"context before braces", "listen 80 { }", ctxHTTP, `"listen" directive is not allowed here`},
		{"braces before arguments", "server 1 2 3;", ctxHTTP, `directive "server" has no opening "{"`},
		{"block on a simple directive", "listen { }", ctxServer, `directive "listen" is not terminated by ";"`},
		{"too few arguments", "return;", ctxServer, `invalid number of arguments in "return" directive`},
		{"too many arguments", "return 200 a b;", ctxServer, `invalid number of arguments in "return" directive`},
		{"flag value checked last", "proxy_buffering yes;", ctxHTTP, `invalid value "yes" in "proxy_buffering" directive, it must be "on" or "off"`},
		{"flag value in any case", "proxy_buffering OFF;", ctxHTTP, ""},
		{"the row of the context is chosen", "keepalive_timeout 10s 5s;", ctxHTTP, ""},
		{"upstream row keeps its own arity", "keepalive_timeout 10s 5s;", ctxUpstream, `invalid number of arguments in "keepalive_timeout" directive`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := parser.Parse("t.conf", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = lookup(tree[0], tt.ctx)
			got := ""
			if err != nil {
				got = err.(*parser.Error).Msg
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
