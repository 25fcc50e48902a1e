package parser

import (
	"io"
	"strings"
)

// indent is nginx's customary indentation step.
const indent = "    "

// Print writes dirs as nginx-style text: one directive per line, blocks
// indented by four spaces, empty blocks as `name {` + `}`. Arguments keep the
// quoting they were written with; a bare argument whose value cannot be
// written as a bare word (empty, whitespace, ";", a leading "#", ...) is
// double-quoted. Comments are not kept. Parsing the output gives back the
// same tree, positions aside.
func Print(w io.Writer, dirs []*Directive) error {
	var b strings.Builder
	printBlock(&b, dirs, 0)
	_, err := io.WriteString(w, b.String())
	return err
}

// printBlock writes the directives of one block at the given depth.
func printBlock(b *strings.Builder, dirs []*Directive, depth int) {
	for _, d := range dirs {
		writeIndent(b, depth)
		writeWord(b, d.Name, Bare)
		for _, a := range d.Args {
			b.WriteByte(' ')
			writeWord(b, a.Value, a.Quote)
		}
		if !d.IsBlock() {
			b.WriteString(";\n")
			continue
		}
		b.WriteString(" {\n")
		printBlock(b, d.Block, depth+1)
		writeIndent(b, depth)
		b.WriteString("}\n")
	}
}

func writeIndent(b *strings.Builder, depth int) {
	for range depth {
		b.WriteString(indent)
	}
}

// writeWord writes one name or argument the way q says, falling back to
// double quotes when a bare word cannot carry the value.
func writeWord(b *strings.Builder, v string, q Quote) {
	if q == Double || q == Single {
		writeQuoted(b, v, byte(q))
		return
	}
	if w, ok := bareWord(v); ok {
		b.WriteString(w)
		return
	}
	writeQuoted(b, v, '"')
}

// bareWord returns v written as a bare word that the lexer and unescape turn
// back into v, or false when no bare word can carry v. Words that need no
// escaping, the common case, are returned without copying.
func bareWord(v string) (string, bool) {
	if v == "" || strings.IndexByte("#};{", v[0]) >= 0 {
		return "", false
	}
	if !strings.ContainsAny(v, " ;{\\\t\r\n") && v[0] != '"' && v[0] != '\'' {
		return v, true
	}
	var b strings.Builder
	variable := false // after "$" or "${", where "{" stays in the word
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			i = writeBackslash(&b, v, i)
			variable = false
			continue
		case c == '{' && variable:
			b.WriteByte(c)
			continue
		case c == ' ' || c == ';' || c == '{':
			return "", false
		case (c == '"' || c == '\'') && i == 0:
			// A leading quote would open a quoted string.
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			writeByteEscaped(&b, c)
		}
		variable = c == '$'
	}
	return b.String(), true
}

// Word returns v written as one argument the way Print writes a bare
// argument: as is when a bare word carries it, else double-quoted with
// escapes. Parsing the result gives back v as a single argument, so tools
// that write configuration text (conf/edit) can put any value in a file.
func Word(v string) string {
	if w, ok := bareWord(v); ok {
		return w
	}
	var b strings.Builder
	writeQuoted(&b, v, '"')
	return b.String()
}
