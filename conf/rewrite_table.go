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
	{name: "uninitialized_variable_warn", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.UninitializedVariableWarn })},
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

// ifDirectives are the directives gw runs in an if of a location besides
// the rewrite module's: those nginx takes there (NGX_HTTP_LIF_CONF) that
// gw knows. They set the block's configuration, which the request
// switches to when the condition holds (Location.Branches). Any other is
// `"x" directive is not allowed here`, as in nginx: proxy_set_header and
// the like cannot be written in an if.
var ifDirectives = map[string]bool{
	"proxy_pass": true, "add_header": true, "access_log": true, "error_page": true,
	"rewrite_log": true, "session_sticky_bypass": true, "root": true, "sendfile": true,
	"uninitialized_variable_warn": true,
}

// ifBlock reads an if: its condition, then its block. The rewrite
// module's directives there (set, return, break, rewrite, if) are steps
// run in line with the enclosing script, as nginx compiles them into the
// enclosing level's codes; in a location, the others (ifDirectives) build
// the block's own configuration, a settings level below the enclosing one.
func (b *builder) ifBlock(d *parser.Directive, ctx ctxMask) (*rewrite.If, error) {
	st, err := rewrite.ParseIf(d, b.scope)
	if err != nil {
		return nil, err
	}
	if ctx == ctxLocation {
		defer b.openBranch(st, d)()
	}
	seen := make(map[string]bool, len(d.Block))
	for _, in := range d.Block {
		// The table checks what it knows in the enclosing context:
		// unknown directives, contexts, braces, argument counts.
		row, err := lookup(in, ctx)
		if err != nil {
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
			if ctx != ctxLocation || !ifDirectives[in.Name] {
				return nil, errorAt(in.Pos, "%q directive is not allowed here", in.Name)
			}
			if !row.multi && seen[in.Name] {
				return nil, errorAt(in.Pos, "%q directive is duplicate", in.Name)
			}
			seen[in.Name] = true
			err = b.run(row, in)
		}
		if err != nil {
			return nil, err
		}
		if step != nil {
			st.Block.Add(step)
		}
	}
	return st, nil
}

// openBranch makes the if c of the location being walked a branch of it:
// a location that copies the enclosing one's pattern and modifier (nginx
// gives its noname location the enclosing name), with a settings level
// below the enclosing level, where the block's directives go. It returns
// the function that closes the level again.
func (b *builder) openBranch(c *rewrite.If, d *parser.Directive) (closeBranch func()) {
	outer := b.loc
	if b.branch != nil {
		outer = b.branch
	}
	br := &Location{Pos: d.Pos, Modifier: outer.Modifier, Pattern: outer.Pattern, Regex: outer.Regex,
		Parent: outer, Settings: &Settings{}}
	b.loc.Branches = append(b.loc.Branches, br)
	c.Branch = br
	prev := b.branch
	b.branch = br
	pop := b.pushLevel(br.Settings)
	b.lvl.branch = true
	return func() { pop(); b.branch = prev }
}
