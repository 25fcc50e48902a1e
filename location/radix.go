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

// insert adds e under pattern.
func (n *radix) insert(pattern string, e *entry, exact bool) {
	for {
		if pattern == "" {
			n.set(e, exact)
			return
		}
		i := bytes.IndexByte(n.first, pattern[0])
		if i < 0 {
			n.addKid(&radix{label: pattern}).set(e, exact)
			return
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

// set stores e in the exact or prefix slot of n. A slot already taken is
// a duplicate location, which conf refuses; should one reach here, the
// first location written keeps the slot, as the first regex written wins.
func (n *radix) set(e *entry, exact bool) {
	slot := &n.prefix
	if exact {
		slot = &n.exact
	}
	if *slot == nil {
		*slot = e
	}
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
//
// auto is nginx's auto-redirect (ngx_http_core_find_static_location's
// NGX_DONE): no pattern equals path, but the pattern path+"/" belongs to a
// location that redirects.
func (n *radix) lookup(path []byte) (exact, prefix, auto *entry) {
	for {
		if n.prefix != nil {
			prefix = n.prefix
		}
		if len(path) == 0 {
			if n.exact == nil && n.prefix == nil {
				auto = n.slashKid()
			}
			return n.exact, prefix, auto
		}
		i := bytes.IndexByte(n.first, path[0])
		if i < 0 {
			return nil, prefix, nil
		}
		k := n.kids[i]
		if len(path) < len(k.label) || string(path[:len(k.label)]) != k.label {
			if len(path)+1 == len(k.label) && k.label[len(path)] == '/' && string(path) == k.label[:len(path)] {
				auto = k.redirecting()
			}
			return nil, prefix, auto
		}
		path = path[len(k.label):]
		n = k
	}
}

// slashKid is the redirecting entry of the child whose label is "/", if any.
func (n *radix) slashKid() *entry {
	if i := bytes.IndexByte(n.first, '/'); i >= 0 && n.kids[i].label == "/" {
		return n.kids[i].redirecting()
	}
	return nil
}

// redirecting is the entry of n that auto-redirects: nginx takes the exact
// location when there is one, else the prefix one.
func (n *radix) redirecting() *entry {
	e := n.exact
	if e == nil {
		e = n.prefix
	}
	if e != nil && e.redirect {
		return e
	}
	return nil
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
