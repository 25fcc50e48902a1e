package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar. It is deliberately tiny, nginx's syntax being
// `word+ (";" | "{" directive* "}")`; everything subtle lives in the lexer.
// These nodes are converted to the public AST (ast.go) right after parsing,
// so the public types carry no participle tags or lexer positions.

// gFile is a whole configuration file.
type gFile struct {
	Dirs []*gDirective `parser:"@@*"`
}

// gDirective is `name args... ;` or `name args... { ... }`. nginx takes the
// first word as the name whether quoted or not, and so does gw. EndPos,
// filled by participle with the position of the raw token that follows the
// directive, is the offset just after its ";" or "}": the end of its Span.
type gDirective struct {
	Name   gWord    `parser:"@@"`
	Args   []gWord  `parser:"@@*"`
	Block  *gBlock  `parser:"( @@"`
	Semi   struct{} `parser:"| ';':Punct )"`
	EndPos lexer.Position
}

// gBlock is a braced block. Open is captured so that an empty block still
// yields a non-nil node: `events {}` must differ from `events;`. (participle
// skips fields named "_", hence a named field for the closing brace.) Pos
// is the position of the "{", which Span.Open records.
type gBlock struct {
	Pos   lexer.Position
	Open  string        `parser:"@'{':Punct"`
	Dirs  []*gDirective `parser:"@@*"`
	Close struct{}      `parser:"'}':Punct"`
}

// gWord is a bare word or a quoted string, kept raw until conversion.
type gWord struct {
	Pos    lexer.Position
	Bare   string `parser:"  @Word"`
	Quoted string `parser:"| @String"`
}

// grammar is built once; participle parsers are safe for concurrent use.
var grammar = participle.MustBuild[gFile](
	participle.Lexer(nginxLexer),
	participle.Elide(tokWhitespace, tokComment),
)
