// Package parser reads nginx's configuration language into a tree of
// directives. It knows the syntax only (words, quotes, escapes, comments,
// blocks, include expansion) and nothing about what a directive means; the
// conf package gives the tree its meaning.
//
// Entry points: Parse (one buffer, includes left as directives; each
// directive knows its Span, the bytes it is written in), ParseFile
// (a file with include expansion relative to a prefix, cycle detection,
// optionally over an Overlay of texts not yet written) and
// Print (writes a tree back as text that parses to the same tree; used by
// gw -T).
//
// The syntax is nginx's ngx_conf_read_token, quirks included, so that a
// configuration means the same to gw as to nginx: a bare "{" ends a word
// (regexes with braces must be quoted) unless it follows "$"; "}" and "#"
// inside a word are literal; a closing quote must be followed by
// whitespace, ";", "{" or ")"; the first word is the directive name even
// when quoted; escapes are \" \' \\ \t \r \n and any other backslash stays.
// The grammar is a participle/v2 one over a stateful participle lexer
// (grammar.go, lexer.go); syntax errors carry nginx's words (errors.go).
package parser
