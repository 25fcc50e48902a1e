package edit

import (
	"fmt"
	"slices"

	"github.com/gw-proxy/gw/parser"
)

// ServerBlock is a `server { }` block of the http block: the directives
// this package manages in it (listen, server_name). Its other directives
// are kept as written; its locations are written through the location
// calls.
type ServerBlock struct {
	Index int `json:"index"` // its place among the http block's server blocks, 0-based; read-only
	// Listen has one entry per listen line, its arguments joined by a
	// space: "127.0.0.1:8080 ssl".
	Listen []string `json:"listen"`
	// ServerName is the names of every server_name line, in order. A
	// changed list is written on the first server_name line and the other
	// lines are removed.
	ServerName []string `json:"server_name,omitempty"`
	// Locations are the top-level locations: read-only here (ignored by
	// ReplaceServerBlock) but written by AddServerBlock.
	Locations []Location `json:"locations,omitempty"`
}

// serverBlockOf is a server block with the directives the model manages.
type serverBlockOf struct {
	dir                *parser.Directive
	listen, serverName []*parser.Directive
}

// serverBlocks returns the server blocks of the http block.
func (d *doc) serverBlocks() []*serverBlockOf {
	var out []*serverBlockOf
	for _, dir := range d.httpBlock() {
		if dir.Name != "server" || !dir.IsBlock() {
			continue
		}
		b := &serverBlockOf{dir: dir}
		for _, c := range dir.Block {
			switch c.Name {
			case "listen":
				b.listen = append(b.listen, c)
			case "server_name":
				b.serverName = append(b.serverName, c)
			}
		}
		out = append(out, b)
	}
	return out
}

// findServerBlock returns server block number i.
func (d *doc) findServerBlock(i int) (*parser.Directive, error) {
	b, err := d.serverBlock(i)
	if err != nil {
		return nil, err
	}
	return b.dir, nil
}

func (d *doc) serverBlock(i int) (*serverBlockOf, error) {
	bs := d.serverBlocks()
	if i < 0 || i >= len(bs) {
		return nil, fmt.Errorf("server block %d %w", i, ErrNotFound)
	}
	return bs[i], nil
}

// model reads the server block.
func (b *serverBlockOf) model(i int) ServerBlock {
	m := ServerBlock{Index: i, Listen: []string{}}
	for _, l := range b.listen {
		m.Listen = append(m.Listen, joinArgs(l.Args))
	}
	m.ServerName = b.names()
	for j, l := range locations(b.dir) {
		m.Locations = append(m.Locations, l.model(j))
	}
	return m
}

// names returns the names of every server_name line.
func (b *serverBlockOf) names() []string {
	var names []string
	for _, l := range b.serverName {
		names = append(names, values(l.Args)...)
	}
	return names
}

// serverBlockItems are the parts of a server block to write.
type serverBlockItems struct {
	listen, serverName []item
	names              []string
	locations          []string // new blocks' texts, for AddServerBlock
}

// items checks b and returns its parts.
func (b *ServerBlock) items() (*serverBlockItems, error) {
	it := &serverBlockItems{names: b.ServerName}
	for i, l := range b.Listen {
		field := fmt.Sprintf("listen[%d]", i)
		w, err := splitArgs(field, l)
		if err != nil {
			return nil, err
		}
		if len(w) == 0 {
			return nil, invalid(field, "must not be empty")
		}
		it.listen = append(it.listen, item{key: key(w...), text: line("listen", w...)})
	}
	for i, n := range b.ServerName {
		if n == "" {
			return nil, invalid(fmt.Sprintf("server_name[%d]", i), "must not be empty")
		}
	}
	if len(b.ServerName) > 0 {
		it.serverName = []item{{key: key(b.ServerName...), text: line("server_name", b.ServerName...)}}
	}
	for i := range b.Locations {
		l, err := b.Locations[i].items()
		if err != nil {
			var inv *Invalid
			if asInvalid(err, &inv) {
				inv.Field = fmt.Sprintf("locations[%d].%s", i, inv.Field)
			}
			return nil, err
		}
		it.locations = append(it.locations, l.text())
	}
	return it, nil
}

// text writes a new server block.
func (it *serverBlockItems) text() string {
	var lines []string
	for _, i := range append(it.listen, it.serverName...) {
		lines = append(lines, i.text)
	}
	for _, l := range it.locations {
		lines = append(lines, "", l)
	}
	if len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return block("server", lines)
}

// writeServerBlock makes block b say it: listen lines, then server_name.
func (p *patch) writeServerBlock(b *serverBlockOf, it *serverBlockItems) {
	cur := &cursor{block: b.dir}
	p.sync(b.listen, argKeys(b.listen), it.listen, cur)
	if slices.Equal(b.names(), it.names) {
		return
	}
	keys := argKeys(b.serverName)
	p.sync(b.serverName, keys, it.serverName, cur)
}

// ServerBlocks returns the server blocks of the http block, in order.
func (f *Files) ServerBlocks() ([]ServerBlock, error) {
	d, err := f.load()
	if err != nil {
		return nil, err
	}
	out := []ServerBlock{}
	for i, b := range d.serverBlocks() {
		out = append(out, b.model(i))
	}
	return out, nil
}

// ServerBlock returns server block number i.
func (f *Files) ServerBlock(i int) (ServerBlock, error) {
	d, err := f.load()
	if err != nil {
		return ServerBlock{}, err
	}
	b, err := d.serverBlock(i)
	if err != nil {
		return ServerBlock{}, err
	}
	return b.model(i), nil
}

// AddServerBlock writes a new server block, with its locations, last in
// the http block and returns its index.
func (f *Files) AddServerBlock(b ServerBlock) (int, error) {
	it, err := b.items()
	if err != nil {
		return 0, err
	}
	d, err := f.load()
	if err != nil {
		return 0, err
	}
	if d.http == nil {
		return 0, fmt.Errorf("http block %w", ErrNotFound)
	}
	p := newPatch(d)
	p.insertAtEnd(d.http, piece{raw: it.text(), blankBefore: len(d.http.Block) > 0})
	return len(d.serverBlocks()), p.commit()
}

// ReplaceServerBlock makes server block number i say b's listen and
// server_name; its locations and other directives are left alone.
func (f *Files) ReplaceServerBlock(i int, b ServerBlock) error {
	b.Locations = nil
	it, err := b.items()
	if err != nil {
		return err
	}
	d, err := f.load()
	if err != nil {
		return err
	}
	sb, err := d.serverBlock(i)
	if err != nil {
		return err
	}
	p := newPatch(d)
	p.writeServerBlock(sb, it)
	return p.commit()
}

// DeleteServerBlock removes server block number i, locations and all.
func (f *Files) DeleteServerBlock(i int) error {
	d, err := f.load()
	if err != nil {
		return err
	}
	b, err := d.findServerBlock(i)
	if err != nil {
		return err
	}
	p := newPatch(d)
	p.remove(b)
	return p.commit()
}
