package rewrite

import (
	"strings"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Set is `set $var value;`: the value, a template, becomes the variable's
// for the rest of the request.
type Set struct {
	Pos   parser.Pos
	Var   *vars.Var
	Value *vars.Template
}

var _ Step = (*Set)(nil)

// Run evaluates the value into the variable's slot.
func (s *Set) Run(r *vars.Request) (Outcome, *Return) {
	r.SetVar(s.Var, s.Value)
	return Next, nil
}

// SetArgs is `set $args value;`: the value becomes the request's query
// string, which $args, $arg_NAME and $is_args read from then on, as
// nginx's $args is changeable. Like nginx's ngx_http_variable_set_args it
// also makes the client's request line unfit to send as it is, so the
// proxy builds the upstream URI from the path and the new arguments.
type SetArgs struct {
	Pos   parser.Pos
	Value *vars.Template
}

var _ Step = (*SetArgs)(nil)

// Run sets the query string.
func (s *SetArgs) Run(r *vars.Request) (Outcome, *Return) {
	buf := r.Scratch()
	buf = s.Value.Append(buf, r)
	r.Ctx.URI().SetQueryStringBytes(buf)
	r.Release(buf)
	r.Rewritten = true
	return Next, nil
}

// ParseSet reads `set $var value;` (two arguments, checked by conf's
// table) within sc, with nginx's errors: `invalid variable name "x"` for a
// first argument without "$", `the duplicate "host" variable` for a
// built-in variable other than $args, the only one of gw's that nginx
// lets set change, the template's errors for the value.
func ParseSet(d *parser.Directive, sc *vars.Scope) (Step, error) {
	name := d.Args[0]
	if !strings.HasPrefix(name.Value, "$") {
		return nil, parser.Errorf(name.Pos, "invalid variable name %q", name.Value)
	}
	isArgs := strings.EqualFold(name.Value[1:], "args")
	var v *vars.Var
	if !isArgs {
		var err error
		if v, err = sc.Declare(name.Value[1:]); err != nil {
			return nil, parser.Errorf(name.Pos, "%s", err.Error())
		}
	}
	t, err := sc.Parse(d.Args[1].Value)
	if err != nil {
		return nil, parser.Errorf(d.Args[1].Pos, "%s", err.Error())
	}
	if isArgs {
		return &SetArgs{Pos: d.Pos, Value: t}, nil
	}
	return &Set{Pos: d.Pos, Var: v, Value: t}, nil
}

// Declare adds to sc, before the configuration is walked, the variable of
// every set in tree (inside if blocks too), so that a template may read it
// before the set that writes it. Errors are left to the walk.
func Declare(tree []*parser.Directive, sc *vars.Scope) {
	for _, d := range tree {
		if d.Name == "set" && len(d.Args) == 2 {
			if name, ok := strings.CutPrefix(d.Args[0].Value, "$"); ok {
				_, _ = sc.Declare(name)
			}
		}
		switch d.Name {
		case "if":
			declareIfGroups(d, sc)
		case "rewrite":
			declareRewriteGroups(d, sc)
		}
		Declare(d.Block, sc)
	}
}
