package edit

import "github.com/gw-proxy/gw/parser"

// item is one directive a block should have: its comparison key and its
// text as written when it must be (re)written.
type item struct {
	key  string
	text string
}

// cursor is where a kind of directive goes when the block has none of that
// kind: after the last directive of the kinds handled before it in the
// block's own file, else at the block's start.
type cursor struct {
	block *parser.Directive
	after *parser.Directive
}

func (c *cursor) put(p *patch, pc piece) {
	if c.after != nil {
		p.insertAfter(c.after, pc)
	} else {
		p.insertAtStart(c.block, pc)
	}
}

// sync makes the directives old of one kind, whose keys are oldKeys, say
// want instead, touching as little text as it can: the longest common
// subsequence of keys keeps its text byte for byte; in each stretch
// between two kept directives the old ones are rewritten in order with the
// new ones, the surplus old ones removed and the surplus new ones inserted
// after the last one written (or before the next kept one, or at the
// cursor when the kind has no directive left before them).
func (p *patch) sync(old []*parser.Directive, oldKeys []string, want []item, cur *cursor) {
	pairs := lcs(oldKeys, want)
	var anchor, survivor *parser.Directive // survivor: the last one left in the block's own file
	survive := func(d *parser.Directive) {
		anchor = d
		if fileOf(d) == fileOf(cur.block) {
			survivor = d
		}
	}
	i, j := 0, 0
	for k := 0; k <= len(pairs); k++ {
		ei, ej := len(old), len(want)
		var next *parser.Directive
		if k < len(pairs) {
			ei, ej = pairs[k][0], pairs[k][1]
			next = old[ei]
		}
		for ; i < ei && j < ej; i, j = i+1, j+1 {
			p.replace(old[i], want[j].text)
			survive(old[i])
		}
		for ; i < ei; i++ {
			p.remove(old[i])
		}
		for ; j < ej; j++ {
			pc := piece{raw: want[j].text}
			switch {
			case anchor != nil:
				p.insertAfter(anchor, pc)
			case next != nil:
				p.insertBefore(next, pc)
			default:
				cur.put(p, pc)
			}
		}
		if next != nil {
			survive(next)
			i, j = i+1, j+1
		}
	}
	if survivor != nil {
		cur.after = survivor
	}
}

// lcs returns the index pairs (old, want) of a longest common subsequence
// of the keys. Blocks hold tens of directives, so the quadratic table is
// cheap.
func lcs(old []string, want []item) [][2]int {
	n, m := len(old), len(want)
	t := make([][]int, n+1)
	for i := range t {
		t[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case old[i] == want[j].key:
				t[i][j] = t[i+1][j+1] + 1
			case t[i+1][j] >= t[i][j+1]:
				t[i][j] = t[i+1][j]
			default:
				t[i][j] = t[i][j+1]
			}
		}
	}
	var pairs [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case old[i] == want[j].key:
			pairs = append(pairs, [2]int{i, j})
			i, j = i+1, j+1
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	return pairs
}
