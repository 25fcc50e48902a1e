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
	{name: "if", ctx: ctxSL, args: atLeast(1), block: true, multi: true, set: ifSetter},
	{name: "rewrite", ctx: ctxSL, args: between(2, 3), multi: true, set: rewriteSetter},
	{name: "rewrite_log", ctx: ctxHSL, args: onOff, set: flagSetter(func(s *Settings) *bool { return &s.RewriteLog })},
	{name: "break", ctx: ctxSL, args: exactly(0), multi: true, set: breakSetter},
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
	return addStep(st), nil
}

// addStep is the apply closure of a rewrite step: it joins the level's
// Script unless the level's return came before it.
func addStep(st rewrite.Step) func(*Settings) {
	return func(s *Settings) {
		if s.Return != nil {
			return
		}
		if s.Script == nil {
			s.Script = &rewrite.Script{}
		}
		s.Script.Add(st)
	}
}

// rewriteSetter reads `rewrite regex replacement [flag];`.
func rewriteSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	st, err := rewrite.ParseRewrite(d, b.scope)
	if err != nil {
		return nil, err
	}
	return addStep(st), nil
}

// breakSetter reads `break;`.
func breakSetter(*builder, *parser.Directive) (func(*Settings), error) {
	return addStep(rewrite.Break{}), nil
}

// ifSetter reads `if (condition) { ... }` in a server or a location.
func ifSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	ctx := ctxServer
	if b.loc != nil {
		ctx = ctxLocation
	}
	st, err := b.ifBlock(d, ctx)
	if err != nil {
		return nil, err
	}
	return addStep(st), nil
}

// nginxIfDirectives are the directives gw knows that nginx also takes in
// an if of a location (NGX_HTTP_LIF_CONF) and gw does not run there yet;
// any other is `"x" directive is not allowed here`, as in nginx.
var nginxIfDirectives = map[string]bool{
	"proxy_pass": true, "add_header": true, "access_log": true, "error_page": true,
	"rewrite_log": true, "session_sticky_bypass": true, "limit_rate": true,
	"limit_rate_after": true, "root": true, "expires": true, "sendfile": true,
}

// ifBlock reads an if: its condition, then its block, where gw takes the
// rewrite module's directives (set, return, break, if). nginx allows more
// inside an if in a location (proxy_pass, add_header...): gw refuses them
// by name rather than run them otherwise than nginx would.
func (b *builder) ifBlock(d *parser.Directive, ctx ctxMask) (*rewrite.If, error) {
	st, err := rewrite.ParseIf(d, b.scope)
	if err != nil {
		return nil, err
	}
	for _, in := range d.Block {
		// The table checks what it knows in the enclosing context:
		// unknown directives, contexts, braces, argument counts.
		if _, err := lookup(in, ctx); err != nil {
			return nil, err
		}
		var step rewrite.Step
		switch in.Name {
		case "set":
			step, err = rewrite.ParseSet(in, b.scope)
		case "return":
			step, err = b.parseReturn(in)
		case "break":
			step = rewrite.Break{}
		case "rewrite":
			step, err = rewrite.ParseRewrite(in, b.scope)
		case "if":
			step, err = b.ifBlock(in, ctx)
		default:
			if ctx == ctxLocation && nginxIfDirectives[in.Name] {
				return nil, errorAt(in.Pos, "gw does not support %q inside \"if\" yet", in.Name)
			}
			return nil, errorAt(in.Pos, "%q directive is not allowed here", in.Name)
		}
		if err != nil {
			return nil, err
		}
		st.Block.Add(step)
	}
	return st, nil
}
