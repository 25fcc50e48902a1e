package rewrite

import (
	"testing"

	"github.com/gw-proxy/gw/conf/vars"
)

// parsedIf is `if (ARGS) { }` compiled within a fresh scope.
func parsedIf(tb testing.TB, args ...string) *If {
	tb.Helper()
	c, err := ParseIf(ifDirective(args...), vars.NewScope(nil))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// testOnce is one request testing the condition, Reset first as the
// handler resets its Request per request.
func testOnce(r *vars.Request, c *If) bool {
	ctx := r.Ctx
	r.Reset()
	r.Ctx = ctx
	return c.test(r)
}

// The conditions of the hot path cost no allocation once the Request's
// buffers are warm: a variable, = against a template, a regex without
// groups. A regex with groups keeps its captures (one copy of the subject).
func TestIfAllocatesNothing(t *testing.T) {
	for _, args := range [][]string{
		{"($arg_a)"},
		{"($arg_a", "=", "x$arg_b)"},
		{"($uri", "~*", "^/API/v\\d+/)"},
		{"($http_user_agent", "!~", "MSIE)"},
	} {
		c := parsedIf(t, args...)
		r := request("/api/v2/users?a=xy&b=y")
		if !testOnce(r, c) {
			t.Fatalf("%v: false, want true", args)
		}
		if n := testing.AllocsPerRun(200, func() { testOnce(r, c) }); n != 0 {
			t.Errorf("%v allocated %v times per request, want 0", args, n)
		}
	}
}

func benchIf(b *testing.B, uri string, args ...string) {
	c := parsedIf(b, args...)
	r := request(uri)
	testOnce(r, c)
	b.ReportAllocs()
	for b.Loop() {
		testOnce(r, c)
	}
}

func BenchmarkIfVariable(b *testing.B) { benchIf(b, "/?a=1", "($arg_a)") }
func BenchmarkIfEqual(b *testing.B)    { benchIf(b, "/?a=xy&b=y", "($arg_a", "=", "x$arg_b)") }
func BenchmarkIfRegex(b *testing.B)    { benchIf(b, "/api/v2/users", "($uri", "~*", "^/API/v\\d+/)") }
func BenchmarkIfRegexCapture(b *testing.B) {
	benchIf(b, "/api/v2/users", "($uri", "~", "^/api/(v\\d+)/)")
}
