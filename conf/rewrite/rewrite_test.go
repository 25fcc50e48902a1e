package rewrite

import (
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// rewriteDirective builds `rewrite ARGS;`.
func rewriteDirective(args ...string) *parser.Directive {
	d := &parser.Directive{Name: "rewrite"}
	for _, a := range args {
		d.Args = append(d.Args, parser.Arg{Value: a})
	}
	return d
}

func TestRewrite(t *testing.T) {
	tests := []struct {
		args        []string
		uri         string
		outcome     Outcome
		path, query string
		redirect    int
		location    string
	}{
		{[]string{"^/a/(.*)$", "/b/$1"}, "/a/x?q=1", Next, "/b/x", "q=1", 0, ""},
		{[]string{"^/a/(.*)$", "/b/$1", "last"}, "/a/x", Last, "/b/x", "", 0, ""},
		{[]string{"^/a/(.*)$", "/b/$1", "break"}, "/a/x", Stop, "/b/x", "", 0, ""},
		{[]string{"^/a/(?<n>.*)$", "/b?n=$n"}, "/a/x?q=1", Next, "/b", "n=x&q=1", 0, ""},
		{[]string{"^/a/(.*)$", "/b/$1?"}, "/a/x?q=1", Next, "/b/x", "", 0, ""},
		{[]string{"^/nomatch", "/b"}, "/a/x?q=1", Next, "/a/x", "q=1", 0, ""},
		{[]string{"^/a/(.*)$", "/b/$1", "redirect"}, "/a/x?q=1", Redirect, "/a/x", "q=1", 302, "/b/x?q=1"},
		{[]string{"^/a/(.*)$", "/b/$1", "permanent"}, "/a/x", Redirect, "/a/x", "", 301, "/b/x"},
		{[]string{"^", "https://h/$1"}, "/a/x?q=1", Redirect, "/a/x", "q=1", 302, "https://h/?q=1"},
		{[]string{"^", "http://h/?", "last"}, "/a/x?q=1", Redirect, "/a/x", "q=1", 302, "http://h/"},
		{[]string{"^/(.*)$", "$scheme://h/$1"}, "/a/x", Redirect, "/a/x", "", 302, "http://h/a/x"},
	}
	sc := vars.NewScope(nil)
	sc.AddCaptures("n")
	for _, tt := range tests {
		t.Run(tt.args[0]+" "+tt.args[1]+" "+tt.uri, func(t *testing.T) {
			rw, err := ParseRewrite(rewriteDirective(tt.args...), sc)
			if err != nil {
				t.Fatal(err)
			}
			r := request(tt.uri)
			if o, _ := rw.Run(r); o != tt.outcome {
				t.Errorf("outcome %v, want %v", o, tt.outcome)
			}
			if p, q := string(r.Ctx.URI().Path()), string(r.Ctx.URI().QueryString()); p != tt.path || q != tt.query {
				t.Errorf("URI %s?%s, want %s?%s", p, q, tt.path, tt.query)
			}
			if r.RedirectCode != tt.redirect || string(r.RedirectURL) != tt.location {
				t.Errorf("redirect %d %q, want %d %q", r.RedirectCode, r.RedirectURL, tt.redirect, tt.location)
			}
			if r.Rewritten != (tt.outcome != Redirect && tt.path != "/a/x") {
				t.Errorf("Rewritten = %v", r.Rewritten)
			}
		})
	}
}

func TestRewriteErrors(t *testing.T) {
	if _, err := ParseRewrite(rewriteDirective("^", "/x", "forever"), nil); err == nil || !strings.HasPrefix(err.Error(), `invalid parameter "forever"`) {
		t.Errorf("error = %v", err)
	}
}
