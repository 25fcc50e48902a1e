package parser

import (
	"errors"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// nginx's words for the syntax errors the grammar can meet (see
// ngx_conf_read_token and ngx_conf_parse).
const (
	msgEOFInDirective = `unexpected end of file, expecting ";" or "}"`
	msgEOFInBlock     = `unexpected end of file, expecting "}"`
	msgSyntax         = `syntax error`
)

// unexpected words nginx's complaint about a character it did not expect:
// a "}" too many, a ";" or "{" with no directive name, a character glued to
// a closing quote.
func unexpected(s string) string { return `unexpected "` + s + `"` }

var (
	symbols   = nginxLexer.Symbols()
	typeWord  = symbols[tokWord]
	typeStr   = symbols[tokString]
	typePunct = symbols[tokPunct]
	typeGlued = symbols[tokGlued]
	typeBad   = symbols[tokBad]
)

// syntaxError turns a participle error into an *Error in nginx's words, so
// that participle's own messages never reach users.
//
// participle's position is not used as is: when a directive fails within
// its lookahead (`a { b; c` ends after "c"), participle backtracks and blames
// the directive's first word. So the tokens are replayed through nginx's
// rules, which find the character nginx would complain about. The grammar
// and the replay accept the same language (FuzzParse checks it).
func syntaxError(file, text string, err error) *Error {
	lines := lineStarts(text)
	if off, msg, found := firstError(text); found {
		return &Error{Pos: offsetPos(file, lines, off), Msg: msg}
	}
	// Not expected: keep participle's position, never its words.
	var perr participle.Error
	off := len(text)
	if errors.As(err, &perr) {
		off = perr.Position().Offset
	}
	return &Error{Pos: offsetPos(file, lines, off), Msg: msgSyntax}
}

// firstError replays ngx_conf_parse over the tokens of text and returns the
// offset and message of the first error, if any. It runs on the error path
// only (and in tests).
func firstError(text string) (off int, msg string, found bool) {
	toks, err := grammar.Lex("", strings.NewReader(text))
	if err != nil {
		return 0, "", false
	}
	depth := 0
	pending := false // words read, no ";" or "{" yet
	for _, t := range toks {
		switch t.Type {
		case typeWord, typeStr:
			pending = true
		case typeGlued:
			return t.Pos.Offset, unexpected(t.Value), true
		case typeBad:
			// An unterminated quoted string or a trailing backslash: nginx
			// is still inside a word when the file ends.
			return len(text), msgEOFInDirective, true
		case typePunct:
			if !punctOK(t.Value, pending, depth) {
				return t.Pos.Offset, unexpected(t.Value), true
			}
			depth += braceDelta(t)
			pending = false
		}
	}
	switch {
	case pending:
		return len(text), msgEOFInDirective, true
	case depth > 0:
		return len(text), msgEOFInBlock, true
	}
	return 0, "", false
}

// punctOK reports whether nginx accepts ";", "{" or "}" here: the first two
// end a directive and need its words, "}" needs an open block and no words.
func punctOK(p string, pending bool, depth int) bool {
	if p == "}" {
		return !pending && depth > 0
	}
	return pending
}

// braceDelta is +1 for "{", -1 for "}" and 0 for ";".
func braceDelta(t lexer.Token) int {
	switch t.Value {
	case "{":
		return 1
	case "}":
		return -1
	}
	return 0
}
