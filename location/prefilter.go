package location

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"unicode/utf8"
)

// prefiltered is a regex with the literal text it must start and end with,
// when its syntax makes that certain.
//
// Most regex locations in the wild are anchored at one end by a literal:
// `^/api/`, `\.php$`. A server tests its regexes one after another until one
// matches, and even a regex that fails on the first byte costs 30-40 ns in
// Go's regexp (matcher setup); with 50 regexes that dominates the request.
// A byte comparison rejects most of them first. It only ever rejects paths
// the regex cannot match, so results are the same with or without it.
type prefiltered struct {
	re     *regexp.Regexp
	prefix []byte // `^literal...`: the path must start with it
	suffix []byte // `...literal$`: the path must end with it
}

// newPrefiltered derives the prefilter of re from its syntax tree.
func newPrefiltered(re *regexp.Regexp) prefiltered {
	p := prefiltered{re: re}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil || tree.Op != syntax.OpConcat || len(tree.Sub) < 2 {
		return p
	}
	subs := tree.Sub
	if subs[0].Op == syntax.OpBeginText {
		p.prefix = literal(subs[1])
	}
	if last := len(subs) - 1; subs[last].Op == syntax.OpEndText {
		p.suffix = literal(subs[last-1])
	}
	return p
}

// literal returns the UTF-8 text of a case-sensitive literal node, nil for
// anything else. Case-folded literals are left to the regex: Go folds
// Unicode (k matches the Kelvin sign), which no byte comparison mirrors.
// So are literals with U+FFFD, which Go's regexp also matches against any
// invalid UTF-8 byte of the input.
func literal(n *syntax.Regexp) []byte {
	if n.Op != syntax.OpLiteral || n.Flags&syntax.FoldCase != 0 || slices.Contains(n.Rune, utf8.RuneError) {
		return nil
	}
	return []byte(string(n.Rune))
}

// match reports whether the regex matches path. The first byte of the
// prefix and the last byte of the suffix are compared before the whole
// literal: they tell most paths apart without a call.
func (p *prefiltered) match(path []byte) bool {
	if n := len(p.prefix); n > 0 {
		if len(path) < n || path[0] != p.prefix[0] || !bytes.Equal(path[:n], p.prefix) {
			return false
		}
	}
	if n := len(p.suffix); n > 0 {
		if len(path) < n || path[len(path)-1] != p.suffix[n-1] || !bytes.Equal(path[len(path)-n:], p.suffix) {
			return false
		}
	}
	return p.re.Match(path)
}
