package parser

import (
	"fmt"
	"strings"
)

// diffTrees describes the first difference between two trees, ignoring
// positions, or returns "" when they are the same. Names, argument values
// and quoting, block presence (empty block vs none) and nesting all count.
func diffTrees(a, b []*Directive) string {
	return diffBlock("", a, b)
}

func diffBlock(path string, a, b []*Directive) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%s: %d directives vs %d", orTop(path), len(a), len(b))
	}
	for i := range a {
		if d := diffDirective(fmt.Sprintf("%s/%d", path, i), a[i], b[i]); d != "" {
			return d
		}
	}
	return ""
}

func diffDirective(path string, a, b *Directive) string {
	where := path + "(" + a.Name + ")"
	switch {
	case a.Name != b.Name:
		return fmt.Sprintf("%s: name %q vs %q", path, a.Name, b.Name)
	case len(a.Args) != len(b.Args):
		return fmt.Sprintf("%s: %d args vs %d", where, len(a.Args), len(b.Args))
	case a.IsBlock() != b.IsBlock():
		return fmt.Sprintf("%s: block %v vs %v", where, a.IsBlock(), b.IsBlock())
	}
	for i := range a.Args {
		x, y := a.Args[i], b.Args[i]
		if x.Value != y.Value || x.Quote != y.Quote {
			return fmt.Sprintf("%s: arg %d %s vs %s", where, i, showArg(x), showArg(y))
		}
	}
	return diffBlock(where, a.Block, b.Block)
}

func orTop(path string) string {
	if path == "" {
		return "top"
	}
	return path
}

// showArg renders an argument with its quoting for test output.
func showArg(a Arg) string {
	kind := map[Quote]string{Bare: "bare", Double: "dq", Single: "sq"}[a.Quote]
	if kind == "" {
		kind = fmt.Sprintf("quote(%d)", a.Quote)
	}
	return fmt.Sprintf("%s:%q", kind, a.Value)
}

// dumpTree lists every directive with its position and every argument with
// its position, quoting and value, one directive per line, for golden files.
func dumpTree(dirs []*Directive) string {
	var b strings.Builder
	dumpBlock(&b, dirs, 0)
	return b.String()
}

func dumpBlock(b *strings.Builder, dirs []*Directive, depth int) {
	for _, d := range dirs {
		fmt.Fprintf(b, "%s%s %q", strings.Repeat("  ", depth), d.Pos, d.Name)
		for _, a := range d.Args {
			fmt.Fprintf(b, " [%d:%d %s]", a.Pos.Line, a.Pos.Col, showArg(a))
		}
		if d.IsBlock() {
			b.WriteString(" {")
		}
		b.WriteByte('\n')
		dumpBlock(b, d.Block, depth+1)
	}
}
