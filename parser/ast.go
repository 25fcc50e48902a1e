package parser

import (
	"fmt"
	"strconv"
)

// Pos is a position in a configuration file: the file name as given (after
// prefix resolution), a 1-based line and a 1-based byte column.
type Pos struct {
	File string
	Line int
	Col  int
}

// String renders the position the way every gw error names it: file:line:col.
func (p Pos) String() string {
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// Quote tells how an argument was written, so the printer can write it back
// the same way and so later stages can tell `"{"` from a bare `{`.
type Quote byte

// The ways an argument can be written.
const (
	Bare   Quote = 0
	Double Quote = '"'
	Single Quote = '\''
)

// Arg is one argument of a directive. Value is the text after unquoting and
// escape processing; variables ($x, ${x}) are left in it as written.
type Arg struct {
	Pos   Pos
	Value string
	Quote Quote
}

// Directive is one directive: `name args;` or `name args { block }`.
// Block is non-nil exactly when the directive was written with braces, so an
// empty block (`events {}`) has a non-nil, empty Block.
type Directive struct {
	Pos   Pos
	Span  Span // where the directive is written in Pos.File
	Name  string
	Args  []Arg
	Block []*Directive
}

// Span is where a directive is written in the text it was parsed from, as
// byte offsets, so that a tool can patch that text in place (conf/edit)
// instead of printing the whole file and losing its comments. For a
// directive from an included file the offsets are in that file.
type Span struct {
	Start int // the first byte of the directive's name (its opening quote if quoted)
	End   int // just after its ";" or its block's "}"
	Open  int // just after the "{" of a block; 0 for a directive without one
}

// IsBlock reports whether the directive was written with a `{ }` block.
func (d *Directive) IsBlock() bool { return d.Block != nil }

// Error is a syntax or include error with the position it refers to. Its text
// follows nginx: `MESSAGE in FILE:LINE:COL`. An error with no position (the
// main configuration file cannot be opened) is just MESSAGE, as in nginx.
type Error struct {
	Pos Pos
	Msg string
}

// Errorf makes the *Error at pos with a formatted message: every
// configuration error of gw, whichever package finds it.
func Errorf(pos Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Error renders the error as nginx does: `MESSAGE in FILE:LINE:COL`.
func (e *Error) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	return e.Msg + " in " + e.Pos.String()
}
