package edit

import (
	"fmt"

	"github.com/gw-proxy/gw/parser"
)

// Location is a top-level `location` block of a server block: the
// directives this package manages in it. Everything else in it, nested
// locations included, is kept as written.
type Location struct {
	Index int `json:"index"` // its place among the server block's top-level locations, 0-based; read-only
	// Match is the location's arguments: "/", "= /x", "~ ^/a", "^~ /b",
	// "@named", `~ "^/a{2}$"`.
	Match     string `json:"match"`
	ProxyPass string `json:"proxy_pass,omitempty"`
	// SessionStickyHeader is the arguments of the location's first
	// session_sticky_header line ("upstream=app"); other such lines, and
	// session_sticky_hide_cookie, are kept as written.
	SessionStickyHeader string `json:"session_sticky_header,omitempty"`
}

// modifiers are the words that may precede a location's pattern.
var modifiers = map[string]bool{"=": true, "~": true, "~*": true, "^~": true}

// locationOf is a location block with the directives the model manages.
type locationOf struct {
	dir       *parser.Directive
	proxyPass []*parser.Directive
	header    []*parser.Directive // the first session_sticky_header, if any
}

// locations returns the top-level locations of server block b.
func locations(b *parser.Directive) []*locationOf {
	var out []*locationOf
	for _, dir := range b.Block {
		if dir.Name != "location" || !dir.IsBlock() {
			continue
		}
		l := &locationOf{dir: dir}
		for _, c := range dir.Block {
			switch {
			case c.Name == "proxy_pass":
				l.proxyPass = append(l.proxyPass, c)
			case c.Name == "session_sticky_header" && len(l.header) == 0:
				l.header = append(l.header, c)
			}
		}
		out = append(out, l)
	}
	return out
}

// model reads the location.
func (l *locationOf) model(i int) Location {
	m := Location{Index: i, Match: joinArgs(l.dir.Args)}
	if len(l.proxyPass) > 0 && len(l.proxyPass[0].Args) > 0 {
		m.ProxyPass = l.proxyPass[0].Args[0].Value
	}
	if len(l.header) > 0 {
		m.SessionStickyHeader = joinArgs(l.header[0].Args)
	}
	return m
}

// locationItems are the parts of a location to write.
type locationItems struct {
	match             []string
	header, proxyPass []item
}

// items checks l and returns its parts.
func (l *Location) items() (*locationItems, error) {
	w, err := splitArgs("match", l.Match)
	if err != nil {
		return nil, err
	}
	ok := len(w) == 1 && w[0] != "" && !modifiers[w[0]] ||
		len(w) == 2 && modifiers[w[0]] && w[1] != ""
	if !ok {
		return nil, invalid("match", `must be a pattern, with one of "=", "~", "~*" or "^~" before it or none, or "@name"`)
	}
	it := &locationItems{match: w}
	if l.SessionStickyHeader != "" {
		h, err := splitArgs("session_sticky_header", l.SessionStickyHeader)
		if err != nil {
			return nil, err
		}
		it.header = []item{{key: key(h...), text: line("session_sticky_header", h...)}}
	}
	if l.ProxyPass != "" {
		it.proxyPass = []item{{key: l.ProxyPass, text: line("proxy_pass", l.ProxyPass)}}
	}
	return it, nil
}

// text writes a new location block.
func (it *locationItems) text() string {
	var lines []string
	for _, i := range append(it.header, it.proxyPass...) {
		lines = append(lines, i.text)
	}
	return block(head("location", it.match...), lines)
}

// writeLocation makes block l say it.
func (p *patch) writeLocation(l *locationOf, it *locationItems) {
	if key(values(l.dir.Args)...) != key(it.match...) {
		p.replaceHead(l.dir, head("location", it.match...)+" {")
	}
	cur := &cursor{block: l.dir}
	p.sync(l.header, argKeys(l.header), it.header, cur)
	p.sync(l.proxyPass, argKeys(l.proxyPass), it.proxyPass, cur)
}

// Locations returns the top-level locations of server block number block.
func (f *Files) Locations(block int) ([]Location, error) {
	d, err := f.load()
	if err != nil {
		return nil, err
	}
	b, err := d.findServerBlock(block)
	if err != nil {
		return nil, err
	}
	out := []Location{}
	for i, l := range locations(b) {
		out = append(out, l.model(i))
	}
	return out, nil
}

// AddLocation writes a new location last in server block number block and
// returns its index.
func (f *Files) AddLocation(block int, l Location) (int, error) {
	it, err := l.items()
	if err != nil {
		return 0, err
	}
	d, err := f.load()
	if err != nil {
		return 0, err
	}
	b, err := d.findServerBlock(block)
	if err != nil {
		return 0, err
	}
	p := newPatch(d)
	p.insertAtEnd(b, piece{raw: it.text(), blankBefore: len(b.Block) > 0})
	return len(locations(b)), p.commit()
}

// ReplaceLocation makes location i of server block number block say l:
// its location line's arguments, proxy_pass and session_sticky_header.
func (f *Files) ReplaceLocation(block, i int, l Location) error {
	it, err := l.items()
	if err != nil {
		return err
	}
	d, loc, err := f.findLocation(block, i)
	if err != nil {
		return err
	}
	p := newPatch(d)
	p.writeLocation(loc, it)
	return p.commit()
}

// DeleteLocation removes location i of server block number block, nested
// locations and all.
func (f *Files) DeleteLocation(block, i int) error {
	d, loc, err := f.findLocation(block, i)
	if err != nil {
		return err
	}
	p := newPatch(d)
	p.remove(loc.dir)
	return p.commit()
}

// findLocation loads f and finds location i of server block number block.
func (f *Files) findLocation(block, i int) (*doc, *locationOf, error) {
	d, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	b, err := d.findServerBlock(block)
	if err != nil {
		return nil, nil, err
	}
	locs := locations(b)
	if i < 0 || i >= len(locs) {
		return nil, nil, fmt.Errorf("location %d of server block %d %w", i, block, ErrNotFound)
	}
	return d, locs[i], nil
}
