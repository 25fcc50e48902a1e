package edit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// A patch collects the text changes of one operation, by file, and applies
// them all at once: spans are offsets into the texts as read, so nothing
// may change before every change is known.
type patch struct {
	d       *doc
	edits   map[string][]textEdit
	inserts map[spot][]piece // insertions, gathered by place so that their order is kept
	seq     int
}

// textEdit replaces t[start:end] with text.
type textEdit struct {
	start, end int
	text       string
	seq        int
}

// spot is a place where new directives go and how they are laid out there.
type spot struct {
	file       string
	start, end int // end > start when the layout replaces blanks (an empty block)
	mode       layout
	ind        string // indentation of the inserted lines
	outer      string // indentation of the enclosing block's closing brace
}

// layout tells how the pieces inserted at one spot are joined to the text.
type layout uint8

const (
	atLine       layout = iota // at the start of a line: each piece on its own lines
	atEOF                      // at the end of a file that ends without LF
	inlineAfter                // after a directive followed by more text on its line
	inlineBefore               // before a directive preceded by text on its line
	emptyBlock                 // between "{" and "}" with only blanks between
	afterOpen                  // after a "{" followed by more text on its line
	beforeClose                // before a "}" preceded by text on its line
)

// piece is one inserted directive: raw is its text at indentation zero.
type piece struct {
	raw         string
	blankBefore bool // set a block apart from what precedes it
	blankAfter  bool // ... or from what follows it
	seq         int
}

func newPatch(d *doc) *patch {
	return &patch{d: d, edits: map[string][]textEdit{}, inserts: map[spot][]piece{}}
}

func (p *patch) text(file string) []byte { return p.d.f.Text[file] }

func (p *patch) add(file string, start, end int, text string) {
	p.seq++
	p.edits[file] = append(p.edits[file], textEdit{start, end, text, p.seq})
}

func (p *patch) insert(s spot, pc piece) {
	p.seq++
	pc.seq = p.seq
	p.inserts[s] = append(p.inserts[s], pc)
}

// replace writes text in place of the whole directive; the rest of its
// line, a trailing comment included, stays.
func (p *patch) replace(d *parser.Directive, text string) {
	p.add(fileOf(d), d.Span.Start, d.Span.End, text)
}

// replaceHead writes head (`location = /x {`) in place of a block
// directive's name, arguments and "{", leaving its contents alone.
func (p *patch) replaceHead(d *parser.Directive, head string) {
	p.add(fileOf(d), d.Span.Start, d.Span.Open, head)
}

// remove deletes a directive. When it is alone on its line, the whole line
// goes, with the comment that ends it (such a comment is about the
// directive); otherwise only the directive and the blanks after it.
func (p *patch) remove(d *parser.Directive) {
	file := fileOf(d)
	t := p.text(file)
	start, end := d.Span.Start, d.Span.End
	if startsLine(t, start) && endsLine(t, end) {
		start, end = lineStart(t, start), lineEnd(t, end)
		if end < len(t) {
			end++ // the LF
		}
		// A block set apart by blank lines leaves one of them, not two.
		if start > 0 && blankLineBefore(t, start) && end < len(t) {
			if next := lineEnd(t, end); next < len(t) && blank(t[end:next]) {
				end = next + 1
			}
		}
		p.add(file, start, end, "")
		return
	}
	for end < len(t) && (t[end] == ' ' || t[end] == '\t') {
		end++
	}
	p.add(file, start, end, "")
}

// blankLineBefore reports whether the line before the one starting at ls
// is blank.
func blankLineBefore(t []byte, ls int) bool {
	return blank(t[lineStart(t, ls-1) : ls-1])
}

// insertAfter puts raw on the line after directive d, indented as d is.
func (p *patch) insertAfter(d *parser.Directive, pc piece) {
	file := fileOf(d)
	t := p.text(file)
	ind := indentation(t, d.Span.Start)
	end := d.Span.End
	switch le := lineEnd(t, end); {
	case !endsLine(t, end):
		p.insert(spot{file: file, start: end, end: end, mode: inlineAfter, ind: ind}, pc)
	case le == len(t):
		p.insert(spot{file: file, start: le, end: le, mode: atEOF, ind: ind}, pc)
	default:
		p.insert(spot{file: file, start: le + 1, end: le + 1, mode: atLine, ind: ind}, pc)
	}
}

// insertBefore puts raw on the line before directive d, indented as d is.
func (p *patch) insertBefore(d *parser.Directive, pc piece) {
	file := fileOf(d)
	t := p.text(file)
	ind := indentation(t, d.Span.Start)
	if start := d.Span.Start; startsLine(t, start) {
		ls := lineStart(t, start)
		p.insert(spot{file: file, start: ls, end: ls, mode: atLine, ind: ind}, pc)
	} else {
		p.insert(spot{file: file, start: start, end: start, mode: inlineBefore, ind: ind}, pc)
	}
}

// insertAtStart puts raw first in block b, on its own line.
func (p *patch) insertAtStart(b *parser.Directive, pc piece) {
	file, t := fileOf(b), p.text(fileOf(b))
	open, brace := b.Span.Open, b.Span.End-1
	outer := indentation(t, b.Span.Start)
	ind := childIndent(t, b, outer, true)
	switch {
	case onlyNewlines(t[open:brace]):
		p.insert(spot{file: file, start: open, end: brace, mode: emptyBlock, ind: ind, outer: outer}, pc)
	case endsLine(t, open):
		le := lineEnd(t, open) + 1
		p.insert(spot{file: file, start: le, end: le, mode: atLine, ind: ind}, pc)
	case oneLine(t[open:brace], pc.raw):
		p.insert(spot{file: file, start: open, end: open, mode: inlineAfter, ind: ind}, pc)
	default:
		// The text after "{" moves to a line of its own, below the new one.
		ws := open
		for ws < brace && (t[ws] == ' ' || t[ws] == '\t') {
			ws++
		}
		p.insert(spot{file: file, start: open, end: ws, mode: afterOpen, ind: ind}, pc)
	}
}

// insertAtEnd puts raw last in block b, on its own line.
func (p *patch) insertAtEnd(b *parser.Directive, pc piece) {
	file, t := fileOf(b), p.text(fileOf(b))
	open, brace := b.Span.Open, b.Span.End-1
	outer := indentation(t, b.Span.Start)
	ind := childIndent(t, b, outer, false)
	switch {
	case onlyNewlines(t[open:brace]):
		p.insert(spot{file: file, start: open, end: brace, mode: emptyBlock, ind: ind, outer: outer}, pc)
	case startsLine(t, brace):
		ls := lineStart(t, brace)
		p.insert(spot{file: file, start: ls, end: ls, mode: atLine, ind: ind}, pc)
	case oneLine(t[open:brace], pc.raw):
		p.insert(spot{file: file, start: brace, end: brace, mode: inlineBefore, ind: ind}, pc)
	default:
		ws := brace
		for ws > open && (t[ws-1] == ' ' || t[ws-1] == '\t') {
			ws--
		}
		p.insert(spot{file: file, start: ws, end: brace, mode: beforeClose, ind: ind, outer: outer}, pc)
	}
}

// oneLine reports whether a block whose contents are body is written on
// one line and raw is one line too: raw then joins it on that line.
func oneLine(body []byte, raw string) bool {
	return !strings.Contains(string(body), "\n") && !strings.Contains(raw, "\n")
}

// onlyNewlines reports whether s holds only blanks and line ends.
func onlyNewlines(s []byte) bool {
	for _, c := range s {
		if !isSpace(c) && c != '\n' {
			return false
		}
	}
	return true
}

// childIndent is the indentation of new lines in block b: that of its
// first (or last) directive written on a line of its own in b's file, as
// the neighbours show it; else the block's own plus four spaces.
func childIndent(t []byte, b *parser.Directive, outer string, first bool) string {
	kids := b.Block
	for i := range kids {
		k := kids[i]
		if !first {
			k = kids[len(kids)-1-i]
		}
		if fileOf(k) == fileOf(b) && startsLine(t, k.Span.Start) {
			return indentation(t, k.Span.Start)
		}
	}
	return outer + step
}

// render is the text the pieces at s make.
func (s spot) render(pcs []piece) string {
	var b strings.Builder
	for i, pc := range pcs {
		lines := indentLines(pc.raw, s.ind)
		switch s.mode {
		case atLine:
			if pc.blankBefore {
				b.WriteByte('\n')
			}
			b.WriteString(lines + "\n")
			if pc.blankAfter {
				b.WriteByte('\n')
			}
		case atEOF:
			if pc.blankBefore {
				b.WriteByte('\n')
			}
			b.WriteString("\n" + lines)
		case inlineAfter:
			b.WriteString(" " + pc.raw)
		case inlineBefore:
			b.WriteString(pc.raw + " ")
		case emptyBlock:
			if i == 0 {
				b.WriteByte('\n')
			}
			b.WriteString(lines + "\n")
			if i == len(pcs)-1 {
				b.WriteString(s.outer)
			}
		case afterOpen, beforeClose:
			if pc.blankBefore && s.mode == beforeClose {
				b.WriteByte('\n')
			}
			b.WriteString("\n" + lines)
			if i == len(pcs)-1 {
				b.WriteByte('\n')
				if s.mode == afterOpen {
					b.WriteString(s.ind)
				} else {
					b.WriteString(s.outer)
				}
			}
		}
	}
	return b.String()
}

// commit applies the patch to f: every file's edits at once, then a parse
// of the result, which must succeed (a failure is a bug here, never the
// operator's). f is left unchanged on error.
func (p *patch) commit() error {
	for s, pcs := range p.inserts {
		sort.Slice(pcs, func(i, j int) bool { return pcs[i].seq < pcs[j].seq })
		p.edits[s.file] = append(p.edits[s.file], textEdit{s.start, s.end, s.render(pcs), pcs[0].seq})
	}
	next := make(map[string][]byte, len(p.d.f.Text))
	for path, t := range p.d.f.Text {
		next[path] = t
	}
	for file, edits := range p.edits {
		if p.d.reads[file] > 1 {
			return fmt.Errorf("%s %w: edit it by hand", file, ErrShared)
		}
		t, err := apply(p.d.f.Text[file], edits)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		next[file] = t
	}
	if len(p.edits) == 0 {
		return nil
	}
	check := &Files{Main: p.d.f.Main, Prefix: p.d.f.Prefix, Text: next}
	if _, err := check.load(); err != nil {
		return fmt.Errorf("the edited configuration does not parse (a bug in conf/edit): %w", err)
	}
	p.d.f.Text = next
	return nil
}

// apply makes a new text from t and edits, which must not overlap.
func apply(t []byte, edits []textEdit) ([]byte, error) {
	sort.Slice(edits, func(i, j int) bool {
		a, b := edits[i], edits[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end < b.end
		}
		return a.seq < b.seq
	})
	var out []byte
	at := 0
	for _, e := range edits {
		if e.start < at {
			return nil, fmt.Errorf("overlapping edits at byte %d (a bug in conf/edit)", e.start)
		}
		out = append(out, t[at:e.start]...)
		out = append(out, e.text...)
		at = e.end
	}
	return append(out, t[at:]...), nil
}
