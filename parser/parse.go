package parser

import (
	"sort"

	"github.com/alecthomas/participle/v2/lexer"
)

// Parse reads one configuration buffer. filename is used in positions and
// errors only. include directives are returned as they are; ParseFile
// expands them. Errors are *Error, worded like nginx's.
func Parse(filename string, src []byte) ([]*Directive, error) {
	text := string(src)
	f, err := grammar.ParseString(filename, text)
	if err != nil {
		return nil, syntaxError(filename, text, err)
	}
	c := converter{file: filename, lines: lineStarts(text)}
	return c.block(f.Dirs), nil
}

// converter turns grammar nodes into the public AST, computing byte columns
// (participle counts columns in runes; gw's errors use bytes, like nginx's
// offsets).
type converter struct {
	file  string
	lines []int // offset of the first byte of each line
}

// block converts a list of directives. It never returns nil, so an empty
// block stays distinguishable from no block.
func (c *converter) block(in []*gDirective) []*Directive {
	out := make([]*Directive, len(in))
	for i, g := range in {
		d := &Directive{Pos: c.pos(g.Name.Pos), Name: g.Name.value(),
			Span: Span{Start: g.Name.Pos.Offset, End: g.EndPos.Offset}}
		if len(g.Args) > 0 {
			d.Args = make([]Arg, len(g.Args))
			for j, a := range g.Args {
				d.Args[j] = Arg{Pos: c.pos(a.Pos), Value: a.value(), Quote: a.quote()}
			}
		}
		if g.Block != nil {
			d.Span.Open = g.Block.Pos.Offset + 1
			d.Block = c.block(g.Block.Dirs)
		}
		out[i] = d
	}
	return out
}

// pos converts a participle position into a gw one.
func (c *converter) pos(p lexer.Position) Pos {
	return offsetPos(c.file, c.lines, p.Offset)
}

// value is the word's text after quote stripping and escape processing.
func (w *gWord) value() string {
	if w.Quoted != "" {
		return unescape(w.Quoted[1 : len(w.Quoted)-1])
	}
	return unescape(w.Bare)
}

// quote tells how the word was written.
func (w *gWord) quote() Quote {
	if w.Quoted != "" {
		return Quote(w.Quoted[0])
	}
	return Bare
}

// lineStarts indexes the offsets at which lines begin. Like nginx, only LF
// ends a line; the CR of a CRLF pair is the last byte of its line.
func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offsetPos converts a byte offset into a 1-based line and byte column.
func offsetPos(file string, lines []int, off int) Pos {
	line := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	return Pos{File: file, Line: line + 1, Col: off - lines[line] + 1}
}
