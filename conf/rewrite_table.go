package conf

import (
	"github.com/gw-proxy/gw/conf/maps"
	"github.com/gw-proxy/gw/conf/rewrite"
	"github.com/gw-proxy/gw/parser"
)

// rewriteDirectives are nginx's variables of the configuration's own:
// map (conf/maps) and set (conf/rewrite). Their variables are declared in
// b.scope before the walk (declareVariables), so any template may use
// them wherever it is written.
var rewriteDirectives = []directive{
	{name: "map", ctx: ctxHTTP, args: exactly(2), block: true, multi: true, handle: handleMap},
	{name: "set", ctx: ctxSL, args: exactly(2), multi: true, set: setSetter},
}

// declareVariables declares every map and set variable of tree.
func (b *builder) declareVariables(tree []*parser.Directive) {
	maps.Declare(tree, b.scope)
	rewrite.Declare(tree, b.scope)
}

// handleMap compiles a map block; a second map of one variable replaces
// the first, as in nginx, with a warning since it is rarely meant.
func handleMap(b *builder, d *parser.Directive) error {
	_, v, replaced, err := maps.Build(d, b.scope)
	if err != nil {
		return err
	}
	if replaced {
		b.warn(d.Args[1].Pos, "the map of variable \"$%s\" replaces an earlier one", v.Name())
	}
	return nil
}

// setSetter reads set. Its step joins the level's Script, which is not
// inherited; a set written after the level's return never runs, as in
// nginx, where return ends the rewrite phase.
func setSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	st, err := rewrite.ParseSet(d, b.scope)
	if err != nil {
		return nil, err
	}
	return func(s *Settings) {
		if s.Return != nil {
			return
		}
		if s.Script == nil {
			s.Script = &rewrite.Script{}
		}
		s.Script.Add(st)
	}, nil
}
