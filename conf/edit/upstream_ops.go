package edit

import (
	"fmt"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Upstreams returns every upstream block of the http block, in order.
func (f *Files) Upstreams() ([]Upstream, error) {
	d, err := f.load()
	if err != nil {
		return nil, err
	}
	out := []Upstream{}
	for _, u := range d.upstreams() {
		out = append(out, u.model())
	}
	return out, nil
}

// Upstream returns the upstream called name.
func (f *Files) Upstream(name string) (Upstream, error) {
	d, err := f.load()
	if err != nil {
		return Upstream{}, err
	}
	u, err := d.findUpstream(name)
	if err != nil {
		return Upstream{}, err
	}
	return u.model(), nil
}

// AddUpstream writes a new upstream block after the last upstream block
// of the file that holds the http block, or first in the http block.
func (f *Files) AddUpstream(u Upstream) error {
	it, err := u.items()
	if err != nil {
		return err
	}
	d, err := f.load()
	if err != nil {
		return err
	}
	if d.http == nil {
		return fmt.Errorf("http block %w", ErrNotFound)
	}
	if _, err := d.findUpstream(u.Name); err == nil {
		return fmt.Errorf("upstream %q %w", u.Name, ErrExists)
	}
	p := newPatch(d)
	text := it.text(u.Name)
	ups := d.upstreams()
	for i := len(ups) - 1; i >= 0; i-- {
		if fileOf(ups[i].dir) == fileOf(d.http) {
			p.insertAfter(ups[i].dir, piece{raw: text, blankBefore: true})
			return p.commit()
		}
	}
	p.insertAtStart(d.http, piece{raw: text, blankAfter: len(d.http.Block) > 0})
	return p.commit()
}

// ReplaceUpstream makes upstream name say u, patching only the directives
// the model manages. u.Name must be empty or name (in any case); the name
// as written is never changed.
func (f *Files) ReplaceUpstream(name string, u Upstream) error {
	if u.Name != "" && !strings.EqualFold(u.Name, name) {
		return invalid("name", fmt.Sprintf("%q is not %q: an upstream is not renamed", u.Name, name))
	}
	u.Name = name
	it, err := u.items()
	if err != nil {
		return err
	}
	d, err := f.load()
	if err != nil {
		return err
	}
	up, err := d.findUpstream(name)
	if err != nil {
		return err
	}
	p := newPatch(d)
	p.writeUpstream(up, it)
	return p.commit()
}

// DeleteUpstream removes upstream name, with its line(s); an include that
// wrote it stays.
func (f *Files) DeleteUpstream(name string) error {
	d, err := f.load()
	if err != nil {
		return err
	}
	up, err := d.findUpstream(name)
	if err != nil {
		return err
	}
	p := newPatch(d)
	p.remove(up.dir)
	return p.commit()
}

// Servers returns the servers of upstream name.
func (f *Files) Servers(upstream string) ([]Server, error) {
	u, err := f.Upstream(upstream)
	if err != nil {
		return nil, err
	}
	return u.Servers, nil
}

// AddServer appends a server line to upstream, after its last server, and
// returns the new server's ID.
func (f *Files) AddServer(upstream string, s Server) (string, error) {
	if err := s.check(""); err != nil {
		return "", err
	}
	var id string
	err := f.editServers(upstream, func(servers []Server) ([]Server, error) {
		return append(servers, s), nil
	})
	if err == nil {
		// Named as read back: an ID of its own is now its id=.
		servers, rerr := f.Servers(upstream)
		if rerr != nil {
			return "", rerr
		}
		id = servers[len(servers)-1].ID
	}
	return id, err
}

// ReplaceServer rewrites the server of upstream named id (its line is
// kept as written if s says the same). The server's ID may change with its
// address or id=.
func (f *Files) ReplaceServer(upstream, id string, s Server) error {
	if err := s.check(""); err != nil {
		return err
	}
	return f.editServers(upstream, func(servers []Server) ([]Server, error) {
		i, err := serverIndex(upstream, servers, id)
		if err != nil {
			return nil, err
		}
		servers[i] = s
		return servers, nil
	})
}

// DeleteServer removes the server of upstream named id, with its line.
func (f *Files) DeleteServer(upstream, id string) error {
	return f.editServers(upstream, func(servers []Server) ([]Server, error) {
		i, err := serverIndex(upstream, servers, id)
		if err != nil {
			return nil, err
		}
		return append(servers[:i], servers[i+1:]...), nil
	})
}

// editServers changes the server list of upstream with change and writes
// the result: only the server lines change.
func (f *Files) editServers(upstream string, change func([]Server) ([]Server, error)) error {
	d, err := f.load()
	if err != nil {
		return err
	}
	up, err := d.findUpstream(upstream)
	if err != nil {
		return err
	}
	servers, err := change(up.model().Servers)
	if err != nil {
		return err
	}
	want := make([]item, len(servers))
	for i := range servers {
		want[i] = servers[i].item()
	}
	p := newPatch(d)
	p.sync(up.servers, serverKeys(up.servers), want, &cursor{block: up.dir, after: lastOf(up.dir, up.balancer)})
	return p.commit()
}

// serverIndex finds the server named id.
func serverIndex(upstream string, servers []Server, id string) (int, error) {
	for i := range servers {
		if servers[i].ID == id {
			return i, nil
		}
	}
	return 0, fmt.Errorf("server %q of upstream %q %w", id, upstream, ErrNotFound)
}

// lastOf returns the last of ds written in block b's own file, nil when
// there is none: where a kind b lacks goes.
func lastOf(b *parser.Directive, ds []*parser.Directive) *parser.Directive {
	for i := len(ds) - 1; i >= 0; i-- {
		if fileOf(ds[i]) == fileOf(b) {
			return ds[i]
		}
	}
	return nil
}
