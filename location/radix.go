package location

import "bytes"

// radix is a compressed byte trie over the prefix and exact locations of one
// nesting level. nginx keeps these in a binary tree of common prefixes
// (ngx_http_create_locations_tree); a radix tree gives the same answer,
// longest prefix plus exact, in O(len(path)) whatever the number of
// locations, and the walk allocates nothing.
type radix struct {
	label  string // the bytes on the edge from the parent into this node
	exact  *entry // a `location = ...` whose pattern ends here
	prefix *entry // a `location ...` or `location ^~ ...` whose pattern ends here
	first  []byte // first byte of each child's label, parallel to kids
	kids   []*radix
}

// insert adds e under pattern. The caller has already rejected duplicates, so
// an occupied slot is never overwritten silently: insert reports false.
func (n *radix) insert(pattern string, e *entry, exact bool) bool {
	for {
		if pattern == "" {
			return n.set(e, exact)
		}
		i := bytes.IndexByte(n.first, pattern[0])
		if i < 0 {
			n.addKid(&radix{label: pattern}).set(e, exact)
			return true
		}
		k := n.kids[i]
		common := commonPrefix(pattern, k.label)
		if common < len(k.label) {
			k = n.split(i, common)
		}
		pattern = pattern[common:]
		n = k
	}
}

// set stores e in the exact or prefix slot of n.
func (n *radix) set(e *entry, exact bool) bool {
	slot := &n.prefix
	if exact {
		slot = &n.exact
	}
	if *slot != nil {
		return false
	}
	*slot = e
	return true
}

// addKid appends a child and returns it.
func (n *radix) addKid(k *radix) *radix {
	n.first = append(n.first, k.label[0])
	n.kids = append(n.kids, k)
	return k
}

// split cuts the edge to child i after at bytes and returns the new middle
// node, which holds the old child as its only kid.
func (n *radix) split(i, at int) *radix {
	old := n.kids[i]
	mid := &radix{label: old.label[:at]}
	old.label = old.label[at:]
	mid.addKid(old)
	n.kids[i] = mid
	return mid
}

// lookup walks path down the tree and returns the exact entry whose pattern
// equals path, if any, and the entry with the longest pattern that is a
// prefix of path. Comparison is byte-wise and case-sensitive, as nginx does
// on Linux (ngx_filename_cmp is strncmp there).
func (n *radix) lookup(path []byte) (exact, prefix *entry) {
	for {
		if n.prefix != nil {
			prefix = n.prefix
		}
		if len(path) == 0 {
			return n.exact, prefix
		}
		i := bytes.IndexByte(n.first, path[0])
		if i < 0 {
			return nil, prefix
		}
		k := n.kids[i]
		if len(path) < len(k.label) || string(path[:len(k.label)]) != k.label {
			return nil, prefix
		}
		path = path[len(k.label):]
		n = k
	}
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
