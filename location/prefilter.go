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
	// required is a literal the path must contain somewhere, for regexes
	// anchored by neither end, or by an alternation (`~* \.(gif|jpe?g)$`
	// still requires "."); fold says it is compared ASCII
	// case-insensitively (held lower-cased).
	required []byte
	fold     bool
	// anchor is the index in a folded required literal of a byte that is
	// not a letter (so has one case), or -1: containsFold looks for that
	// byte with bytes.IndexByte instead of trying every position.
	anchor int
	// need is the pairMask of all three literals: a path whose mask lacks
	// one of its bits contains none of them in full.
	need pairMask
}

// pairMask is a 64-bit summary of the adjacent byte pairs of a text, ASCII
// lower-cased: each pair sets one bit. A text containing a literal (in any
// ASCII case) has every bit of the literal's mask, so one AND rejects most
// regexes before any byte comparison; with 50 regex locations the per-regex
// comparisons were most of the many-locations match. The path's mask is
// computed once for all the regexes of a level.
type pairMask uint64

// pairsOf returns the pairMask of b.
func pairsOf(b []byte) pairMask {
	var m pairMask
	for i := 0; i+1 < len(b); i++ {
		h := (uint32(lower(b[i]))<<8 | uint32(lower(b[i+1]))) * 2654435761
		m |= 1 << (h >> 26)
	}
	return m
}

// newPrefiltered derives the prefilter of re from its syntax tree.
func newPrefiltered(re *regexp.Regexp) prefiltered {
	p := prefiltered{re: re, anchor: -1}
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
	p.required, p.fold = requiredLiteral(subs)
	if p.fold {
		p.anchor = caselessByte(p.required)
	}
	p.need = pairsOf(p.prefix) | pairsOf(p.suffix) | pairsOf(p.required)
	return p
}

// caselessByte is the index of the first byte of lit that is not an ASCII
// letter, or -1.
func caselessByte(lit []byte) int {
	for i, b := range lit {
		if lower(b) == b && (b < 'a' || b > 'z') {
			return i
		}
	}
	return -1
}

// requiredLiteral picks the longest literal among the parts of a top-level
// concatenation: every match contains it. A case-folded literal is usable
// only when byte-wise ASCII folding is exact for it: all ASCII, and none of
// k and s, which Go also folds to non-ASCII runes (U+212A, U+017F).
func requiredLiteral(subs []*syntax.Regexp) (lit []byte, fold bool) {
	for _, n := range subs {
		if n.Op != syntax.OpLiteral || slices.Contains(n.Rune, utf8.RuneError) || len(n.Rune) <= len(lit) {
			continue
		}
		if n.Flags&syntax.FoldCase == 0 {
			lit, fold = []byte(string(n.Rune)), false
			continue
		}
		if l, ok := asciiFoldable(n.Rune); ok {
			lit, fold = l, true
		}
	}
	return lit, fold
}

// asciiFoldable lower-cases runes when ASCII folding matches them exactly.
func asciiFoldable(runes []rune) ([]byte, bool) {
	out := make([]byte, len(runes))
	for i, r := range runes {
		if r >= utf8.RuneSelf {
			return nil, false
		}
		b := lower(byte(r))
		if b == 'k' || b == 's' {
			return nil, false
		}
		out[i] = b
	}
	return out, true
}

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// containsFold reports whether path contains lit (lower-case ASCII),
// ignoring ASCII case. With an anchor (see prefiltered.anchor) only the
// places where that byte occurs are compared: typical folded literals such
// as ".x01" or "/img/" start with one, and paths contain it a few times.
func containsFold(path, lit []byte, anchor int) bool {
	if anchor < 0 {
		for i := 0; i+len(lit) <= len(path); i++ {
			if equalLower(path[i:i+len(lit)], lit) {
				return true
			}
		}
		return false
	}
	c := lit[anchor]
	for from := anchor; from < len(path); {
		j := bytes.IndexByte(path[from:], c)
		if j < 0 {
			return false
		}
		start := from + j - anchor
		if start+len(lit) > len(path) {
			return false
		}
		if equalLower(path[start:start+len(lit)], lit) {
			return true
		}
		from += j + 1
	}
	return false
}

// equalLower reports whether b equals lit (lower-case ASCII, same length)
// ignoring ASCII case.
func equalLower(b, lit []byte) bool {
	for i := range lit {
		if lower(b[i]) != lit[i] {
			return false
		}
	}
	return true
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
// literal: they tell most paths apart without a call. A caller testing
// many regexes against one path checks need against the path's pairsOf
// first (level.find does).
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
	if len(p.required) > 0 {
		if p.fold && !containsFold(path, p.required, p.anchor) || !p.fold && !bytes.Contains(path, p.required) {
			return false
		}
	}
	return p.re.Match(path)
}
