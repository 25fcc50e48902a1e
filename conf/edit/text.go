package edit

import "strings"

// Line arithmetic on a file's text. Like the parser, only LF ends a line.

// lineStart is the offset of the first byte of the line holding off.
func lineStart(t []byte, off int) int {
	for off > 0 && t[off-1] != '\n' {
		off--
	}
	return off
}

// lineEnd is the offset of the LF ending the line holding off, or len(t).
func lineEnd(t []byte, off int) int {
	for off < len(t) && t[off] != '\n' {
		off++
	}
	return off
}

// isSpace reports whether c is blank within a line.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// blank reports whether s holds only spaces, tabs and CRs.
func blank(s []byte) bool {
	for _, c := range s {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// startsLine reports whether only blanks precede off on its line.
func startsLine(t []byte, off int) bool { return blank(t[lineStart(t, off):off]) }

// endsLine reports whether only blanks, then perhaps a comment, follow off
// on its line: text put after off's line then stays out of that comment.
func endsLine(t []byte, off int) bool {
	rest := t[off:lineEnd(t, off)]
	for _, c := range rest {
		if c == '#' {
			return true
		}
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// indentation returns the blanks that start the line holding off.
func indentation(t []byte, off int) string {
	s := lineStart(t, off)
	e := s
	for e < len(t) && (t[e] == ' ' || t[e] == '\t') {
		e++
	}
	return string(t[s:e])
}

// indentLines prefixes every non-empty line of text with ind.
func indentLines(text, ind string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = ind + l
		}
	}
	return strings.Join(lines, "\n")
}

// step is the indentation a new block's contents get relative to the
// block: nginx's customary four spaces, as parser.Print writes.
const step = "    "
