package location

import (
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
)

// nameTable builds the name lookup of one Address. It follows nginx's
// ngx_http_server_names and ngx_hash_add_key: names are added server by
// server in the order the servers listen on the address, and a name
// already taken on the address stays with the first server. conf has
// checked the names and warned about those taken twice.
type nameTable struct {
	a       *Address
	claimed map[string]bool // exact names, plus example.com for .example.com
}

// newNameTable starts the name lookup of a.
func newNameTable(a *Address) *nameTable {
	a.exact = map[string]*conf.Server{}
	a.dotExact = map[string]*conf.Server{}
	a.wildHead = map[string]*conf.Server{}
	a.wildTail = map[string]*conf.Server{}
	return &nameTable{a: a, claimed: map[string]bool{}}
}

// addServer adds every name of srv. A server without server_name has the
// name "", as in nginx since 0.8.48, so it serves requests without Host.
func (t *nameTable) addServer(srv *conf.Server) error {
	if len(srv.Names) == 0 {
		return t.add(srv, conf.ServerName{Pos: srv.Pos, Kind: conf.NameExact})
	}
	for _, n := range srv.Names {
		if err := t.add(srv, n); err != nil {
			return err
		}
	}
	return nil
}

// add adds one name. Non-regex names are classified by their text, as
// nginx does: `.x` and `*.x` are head wildcards, `x.*` a tail wildcard.
func (t *nameTable) add(srv *conf.Server, n conf.ServerName) error {
	if n.Kind == conf.NameRegex {
		return t.addRegex(srv, n)
	}
	name := strings.ToLower(n.Name)
	switch {
	case len(name) > 1 && name[0] == '.':
		if t.claimed[name[1:]] {
			return nil
		}
		t.claimed[name[1:]] = true
		if t.claim(t.a.wildHead, name, srv) {
			t.a.dotExact[name[1:]] = srv
		}
	case len(name) > 2 && name[:2] == "*.":
		t.claim(t.a.wildHead, name[1:], srv)
	case len(name) > 2 && name[len(name)-2:] == ".*":
		t.claim(t.a.wildTail, name[:len(name)-2], srv)
	case !t.claimed[name]:
		t.claimed[name] = true
		t.a.exact[name] = srv
	}
	return nil
}

// claim stores key -> srv unless the key is taken.
func (t *nameTable) claim(m map[string]*conf.Server, key string, srv *conf.Server) bool {
	if _, taken := m[key]; taken {
		return false
	}
	m[key] = srv
	return true
}

// addRegex appends a regex name. conf normally compiles it; otherwise it is
// compiled here with nginx's rule (ngx_http_core_server_name): a regex that
// contains an upper-case letter is case-insensitive, any other is matched
// as written against the lower-cased host.
func (t *nameTable) addRegex(srv *conf.Server, n conf.ServerName) error {
	re := n.Regex
	if re == nil {
		src := n.Name
		if strings.ToLower(src) != src {
			src = "(?i)" + src
		}
		var err error
		if re, err = regexp.Compile(src); err != nil {
			return &parser.Error{Pos: n.Pos, Msg: `invalid regex "` + n.Name + `": ` + err.Error()}
		}
	}
	t.a.regexes = append(t.a.regexes, nameRegex{rx: newPrefiltered(re), srv: srv})
	return nil
}
