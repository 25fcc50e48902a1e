package parser

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that its errors are always
// nginx-worded *Error values with a sane position (participle's messages must
// not leak), and that any tree it returns survives Print then Parse
// unchanged, with printing stable after one pass.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{okDir, badDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dirs, err := Parse("f.conf", src)
		if err != nil {
			checkSyntaxError(t, src, err)
			return
		}
		if off, msg, found := firstError(string(src)); found {
			t.Fatalf("Parse accepted what the nginx replay rejects (%s at %d): %q", msg, off, src)
		}
		checkSpans(t, src, dirs)
		printed := mustPrint(t, dirs)
		again, err := Parse("printed", printed)
		if err != nil {
			t.Fatalf("printed tree does not parse: %v\nsource %q\nprinted %q", err, src, printed)
		}
		if d := diffTrees(dirs, again); d != "" {
			t.Fatalf("tree changed by print+parse: %s\nsource %q\nprinted %q", d, src, printed)
		}
		if twice := mustPrint(t, again); !bytes.Equal(twice, printed) {
			t.Fatalf("printing is not stable:\n%q\nthen\n%q", printed, twice)
		}
	})
}

// checkSyntaxError asserts that err is one of the messages Parse promises.
func checkSyntaxError(t *testing.T, src []byte, err error) {
	t.Helper()
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %T %v is not a *Error", err, err)
	}
	lines := bytes.Count(src, []byte("\n")) + 1
	if perr.Pos.File != "f.conf" || perr.Pos.Line < 1 || perr.Pos.Line > lines || perr.Pos.Col < 1 {
		t.Fatalf("bad position %s for %q", perr.Pos, src)
	}
	switch msg := perr.Msg; {
	case msg == msgEOFInDirective, msg == msgEOFInBlock:
	case strings.HasPrefix(msg, `unexpected "`) && strings.HasSuffix(msg, `"`):
		if inner := msg[len(`unexpected "`) : len(msg)-1]; utf8.RuneCountInString(inner) != 1 {
			t.Fatalf("unexpected names %q, not one character (source %q)", inner, src)
		}
	default:
		t.Fatalf("message %q is not one of nginx's (source %q)", msg, src)
	}
}

// checkSpans asserts that every directive's Span holds exactly that
// directive: the text there parses alone to the same directive.
func checkSpans(t *testing.T, src []byte, dirs []*Directive) {
	t.Helper()
	for _, d := range dirs {
		sp := d.Span
		if sp.Start < 0 || sp.End > len(src) || sp.Start >= sp.End || !strings.ContainsRune(";}", rune(src[sp.End-1])) {
			t.Fatalf("bad span %+v of %q in %q", sp, d.Name, src)
		}
		if d.IsBlock() != (sp.Open > sp.Start && sp.Open <= sp.End-1 && src[sp.Open-1] == '{') {
			t.Fatalf("bad Open in span %+v of %q in %q", sp, d.Name, src)
		}
		alone, err := Parse("span", src[sp.Start:sp.End])
		if err != nil || len(alone) != 1 {
			t.Fatalf("span %q of %q does not parse alone: %v", src[sp.Start:sp.End], d.Name, err)
		}
		if diff := diffTrees([]*Directive{d}, alone); diff != "" {
			t.Fatalf("span %q of %q parses differently: %s", src[sp.Start:sp.End], d.Name, diff)
		}
		checkSpans(t, src, d.Block)
	}
}
