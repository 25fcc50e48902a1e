package maps

import (
	"testing"

	"github.com/gw-proxy/gw/conf/vars"
)

// allocMaps is a map of each kind, with enough keys that the exact table is
// a real hash and the regex list is walked before the match.
const allocMaps = `
map $http_host $exact {
    a.example.com a; b.example.com b; c.example.com c; www.example.com www;
    default other;
}
map $http_host $wild { hostnames; *.example.com wild; www.example.* tail; default other; }
map $uri $regex { ~^/a/ a; ~^/b/ b; ~*^/api/v\d+/ api; default other; }
map $uri $capture { ~^/api/(?<ver>v\d+)/ api-$ver; default other; }`

// evalOnce is one request reading the variable: Reset, then the lazy
// evaluation, as the handler does per request.
func evalOnce(r *vars.Request, tmpl *vars.Template, dst []byte) []byte {
	ctx := r.Ctx
	r.Reset()
	r.Ctx = ctx
	return tmpl.Append(dst[:0], r)
}

// The hot path: exact keys, wildcards and regexes without captures cost
// nothing once the Request's buffers are warm.
func TestMapAllocatesNothing(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"$exact", "www"}, {"$wild", "wild"}, {"$regex", "api"},
	} {
		_, tmpl := build(t, allocMaps, tt.name)
		r := request("www.example.com", "/API/v2/users")
		dst := evalOnce(r, tmpl, make([]byte, 0, 64))
		if string(dst) != tt.want {
			t.Fatalf("%s = %q, want %q", tt.name, dst, tt.want)
		}
		if n := testing.AllocsPerRun(200, func() { dst = evalOnce(r, tmpl, dst) }); n != 0 {
			t.Errorf("%s allocated %v times per request, want 0", tt.name, n)
		}
	}
}

func benchMap(b *testing.B, name, host, uri string) {
	_, tmpl := build(b, allocMaps, name)
	r := request(host, uri)
	dst := evalOnce(r, tmpl, make([]byte, 0, 64))
	b.ReportAllocs()
	for b.Loop() {
		dst = evalOnce(r, tmpl, dst)
	}
}

func BenchmarkMapExact(b *testing.B)    { benchMap(b, "$exact", "www.example.com", "/") }
func BenchmarkMapWildcard(b *testing.B) { benchMap(b, "$wild", "x.y.example.com", "/") }
func BenchmarkMapRegex(b *testing.B)    { benchMap(b, "$regex", "h", "/api/v2/users") }
func BenchmarkMapRegexCapture(b *testing.B) {
	benchMap(b, "$capture", "h", "/api/v2/users")
}
