package rewrite

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// ifDirective builds `if ARGS { }` as the parser gives it.
func ifDirective(args ...string) *parser.Directive {
	d := &parser.Directive{Name: "if", Block: []*parser.Directive{}}
	for _, a := range args {
		d.Args = append(d.Args, parser.Arg{Value: a})
	}
	return d
}

// request is a request for uri.
func request(uri string) *vars.Request {
	ctx := &fasthttp.RequestCtx{}
	ctx.Request.SetRequestURI(uri)
	return &vars.Request{Ctx: ctx}
}

func TestIfConditions(t *testing.T) {
	sc := vars.NewScope(nil)
	sc.AddCaptures("word")
	tests := []struct {
		args []string
		uri  string
		want bool
	}{
		{[]string{"($arg_a)"}, "/?a=1", true},
		{[]string{"(", "$arg_a", ")"}, "/?a=x", true},
		{[]string{"($arg_a)"}, "/?a=0", false},
		{[]string{"($arg_a)"}, "/", false},
		{[]string{"($arg_a", "=", "x$arg_b)"}, "/?a=xy&b=y", true},
		{[]string{"($arg_a", "=", "x)"}, "/?a=y", false},
		{[]string{"($arg_a", "!=", "x)"}, "/?a=y", true},
		{[]string{"($uri", "~", "^/a/(\\d+)$)"}, "/a/12", true},
		{[]string{"($uri", "~", "^/A/)"}, "/a/12", false},
		{[]string{"($uri", "~*", "^/A/", ")"}, "/a/12", true},
		{[]string{"($uri", "!~", "^/b/)"}, "/a/12", true},
		{[]string{"($uri", "!~*", "^/A/)"}, "/a/12", false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+" "+tt.uri, func(t *testing.T) {
			c, err := ParseIf(ifDirective(tt.args...), sc)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.test(request(tt.uri)); got != tt.want {
				t.Errorf("test = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIfCaptures(t *testing.T) {
	sc := vars.NewScope(nil)
	sc.AddCaptures("word")
	c, err := ParseIf(ifDirective("($uri", "~", "^/(?<word>[a-z]+)/(\\d+)$)"), sc)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := sc.Declare("out")
	tmpl, _ := sc.Parse("$word-$2")
	c.Block.Add(&Set{Var: v, Value: tmpl})
	c.Block.Add(Break{})
	r := request("/abc/42")
	if o, ret := (&Script{Steps: []Step{c}}).Run(r); o != Stop || ret != nil {
		t.Fatalf("Run = %v, %v; want Stop from the break", o, ret)
	}
	if got := string(r.AppendVar(nil, v)); got != "abc-42" {
		t.Errorf("$out = %q, want abc-42", got)
	}
}

func TestIfReturn(t *testing.T) {
	c, err := ParseIf(ifDirective("($arg_x)"), vars.NewScope(nil))
	if err != nil {
		t.Fatal(err)
	}
	ret := &Return{Code: 403}
	c.Block.Add(ret)
	s := &Script{Steps: []Step{c}}
	if o, got := s.Run(request("/?x=1")); o != Answer || got != ret {
		t.Errorf("Run = %v, %v; want Answer with the return", o, got)
	}
	if o, got := s.Run(request("/")); o != Next || got != nil {
		t.Errorf("Run = %v, %v; want Next", o, got)
	}
}

func TestIfErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"$a)"}, `invalid condition "$a)"`},
		{[]string{"($arg_a"}, `invalid condition "$arg_a"`}, // nginx names the argument stripped of "("
		{[]string{"($arg_a", "$arg_b)"}, `invalid condition "$arg_a"`},
		{[]string{"($arg_a", "==", "b)"}, `unexpected "==" in condition`},
		{[]string{"()"}, `invalid condition ")"`},
		{[]string{"(-f", "$uri)"}, `the file test "-f" in condition is not supported: gw serves no files`},
		{[]string{"(!-d", "$uri)"}, `the file test "!-d" in condition is not supported: gw serves no files`},
		{[]string{"(-q", "$uri)"}, `invalid condition "-q"`},
		{[]string{"(-f)"}, `invalid condition "-f"`},
		{[]string{"(abc)"}, `invalid condition "abc"`},
		{[]string{"($nope)"}, `unknown "nope" variable`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := ParseIf(ifDirective(tt.args...), vars.NewScope(nil))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
