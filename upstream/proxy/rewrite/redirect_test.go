package rewrite

import (
	"regexp"
	"testing"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
)

func TestProxyRedirect(t *testing.T) {
	loc := &conf.Location{Pattern: "/one/"}
	withURI := &conf.ProxyPass{URL: "http://backend:8080/two/", URI: "/two/"}
	noURI := &conf.ProxyPass{URL: "http://backend:8080"}
	def := []conf.ProxyRedirect{{Default: true}}
	for _, tc := range []struct {
		name      string
		pp        *conf.ProxyPass
		redirects []conf.ProxyRedirect
		refresh   bool
		in, want  string
	}{
		{"default with a URI part", withURI, def, false, "http://backend:8080/two/x?y", "/one/x?y"},
		{"default without a URI part", noURI, def, false, "http://backend:8080/x", "/x"},
		{"default leaves other hosts", withURI, def, false, "http://other/two/x", "http://other/two/x"},
		{"default is case-sensitive", withURI, def, false, "http://BACKEND:8080/two/x", "http://BACKEND:8080/two/x"},
		{"Refresh after url=", withURI, def, true, "5; URL=http://backend:8080/two/r", "5; URL=/one/r"},
		{"Refresh without url", withURI, def, true, "5", "5"},
		{"off: nothing", withURI, nil, false, "http://backend:8080/two/x", "http://backend:8080/two/x"},
		{"FROM TO with variables", withURI, []conf.ProxyRedirect{
			{From: "http://backend:8080/", To: vars.MustParse("$scheme://$host/")},
		}, false, "http://backend:8080/a", "http://gw.example/a"},
		{"FROM with variables (nginx-tests proxy_redirect.t)", withURI, []conf.ProxyRedirect{
			{From: "http://backend:8080/$host/", FromVars: vars.MustParse("http://backend:8080/$host/"), To: vars.MustParse("/replaced/")},
		}, false, "http://backend:8080/gw.example/x", "/replaced/x"},
		{"FROM with variables that do not match", withURI, []conf.ProxyRedirect{
			{From: "http://backend:8080/$host/", FromVars: vars.MustParse("http://backend:8080/$host/"), To: vars.MustParse("/replaced/")},
		}, false, "http://backend:8080/$host/x", "http://backend:8080/$host/x"},
		{"first matching rule wins", withURI, []conf.ProxyRedirect{
			{From: "http://x/", To: vars.MustParse("/x/")},
			{From: "http://backend:8080/", To: vars.MustParse("/b/")},
			{From: "http://backend:8080/two/", To: vars.MustParse("/c/")},
		}, false, "http://backend:8080/two/z", "/b/two/z"},
		{"regex with captures replaces the whole value", withURI, []conf.ProxyRedirect{
			{From: `^http://([^:]+):\d+(/.+)$`, Regex: regexp.MustCompile(`^http://([^:]+):\d+(/.+)$`), To: vars.MustParse("https://$1$2")},
		}, false, "http://backend:8080/two/x", "https://backend/two/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules := NewRedirects(loc, &conf.Settings{ProxyRedirects: tc.redirects}, tc.pp)
			// Without a connection, $host is the server name.
			r := &vars.Request{Scheme: "http", ServerName: "gw.example"}
			r.Captures, r.CaptureSubject = []int{0, 1}, []byte("L")
			got, _ := ApplyRedirect(nil, rules, []byte(tc.in), tc.refresh, r)
			if string(got) != tc.want {
				t.Errorf("%q -> %q, want %q", tc.in, got, tc.want)
			}
			if string(r.CaptureSubject) != "L" {
				t.Error("the location's captures were not restored")
			}
		})
	}
}
