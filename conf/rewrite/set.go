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

// ParseSet reads `set $var value;` (two arguments, checked by conf's
// table) within sc, with nginx's errors: `invalid variable name "x"` for a
// first argument without "$", `the duplicate "host" variable` for a
// built-in variable, the template's errors for the value.
func ParseSet(d *parser.Directive, sc *vars.Scope) (*Set, error) {
	name := d.Args[0]
	if !strings.HasPrefix(name.Value, "$") {
		return nil, parser.Errorf(name.Pos, "invalid variable name %q", name.Value)
	}
	v, err := sc.Declare(name.Value[1:])
	if err != nil {
		return nil, parser.Errorf(name.Pos, "%s", err.Error())
	}
	t, err := sc.Parse(d.Args[1].Value)
	if err != nil {
		return nil, parser.Errorf(d.Args[1].Pos, "%s", err.Error())
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
