package parser

import (
	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer mirrors ngx_conf_read_token rather than a textbook tokenizer,
// because nginx users rely on its quirks:
//
//   - a bare word ends only at whitespace (space, tab, CR, LF), ";" or "{";
//     "}" and "#" inside a word are ordinary characters (`a}` is one word);
//   - a word cannot start with "}", "#", ";", "{" or a quote: those start a
//     block end, a comment, a terminator or a quoted string instead;
//   - a backslash takes the next byte into the word whatever it is, so
//     `a\ b` and `a\;b` are single words (escape processing comes later);
//   - "{" right after "$" (or "${") stays in the word, so `${host}x` is one
//     word while a regex like `a{2}` must be quoted, as in nginx;
//   - a closing quote must be followed by whitespace, ";", "{" or ")"
//     (the "Quoted" state); anything else is nginx's `unexpected "c"`.
//
// Every input is tokenised: what no rule matches (an unterminated quoted
// string, a backslash at the end of the file) becomes one "Bad" token running
// to the end of the input, which the grammar never accepts. That keeps error
// ordering right: an earlier syntax error is reported before the Bad token.
const (
	// wordStart is the first unit of a bare word.
	wordStart = `(?:\\[\s\S]|\$\{*|[^ \t\r\n;{}"'#\\$])`
	// wordRest is every following unit; quotes, "#" and "}" are literal here.
	wordRest = `(?:\\[\s\S]|\$\{*|[^ \t\r\n;{\\$])*`
	// quoted matches a complete double- or single-quoted string.
	quoted = `"(?:\\[\s\S]|[^"\\])*"|'(?:\\[\s\S]|[^'\\])*'`
)

// Token type names, shared by the grammar and the error mapping.
const (
	tokWhitespace = "Whitespace"
	tokComment    = "Comment"
	tokPunct      = "Punct"
	tokString     = "String"
	tokWord       = "Word"
	tokGlued      = "Glued"
	tokBad        = "Bad"
)

// nginxLexer is the participle lexer definition for nginx's configuration
// language.
var nginxLexer = lexer.MustStateful(lexer.Rules{
	"Root": {
		{Name: tokWhitespace, Pattern: `[ \t\r\n]+`},
		{Name: tokComment, Pattern: `#[^\n]*`},
		{Name: tokPunct, Pattern: `[;{}]`},
		{Name: tokString, Pattern: quoted, Action: lexer.Push("Quoted")},
		{Name: tokWord, Pattern: wordStart + wordRest},
		{Name: tokBad, Pattern: `[\s\S]+`},
	},
	// Quoted is entered after a closing quote: one character that may not
	// follow it is a Glued token; otherwise lexing resumes in Root.
	"Quoted": {
		{Name: tokGlued, Pattern: `[^ \t\r\n;{)]`},
		lexer.Return(),
	},
})
