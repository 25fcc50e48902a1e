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
// already taken on the address is ignored with a warning.
type nameTable struct {
	a        *Address
	claimed  map[string]bool // exact names, plus example.com for .example.com
	warnings []conf.Notice
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
	case !validName(name):
		return &parser.Error{Pos: n.Pos, Msg: `invalid server name or wildcard "` + n.Name + `" on ` + t.a.text}
	case len(name) > 1 && name[0] == '.':
		if t.claimed[name[1:]] {
			return t.conflict(n)
		}
		t.claimed[name[1:]] = true
		if !t.claim(t.a.wildHead, name, srv) {
			return t.conflict(n)
		}
		t.a.dotExact[name[1:]] = srv
	case len(name) > 2 && name[:2] == "*.":
		if !t.claim(t.a.wildHead, name[1:], srv) {
			return t.conflict(n)
		}
	case len(name) > 2 && name[len(name)-2:] == ".*":
		if !t.claim(t.a.wildTail, name[:len(name)-2], srv) {
			return t.conflict(n)
		}
	default:
		if t.claimed[name] {
			return t.conflict(n)
		}
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

// conflict records nginx's warning for a name taken on this address; the
// first server keeps it. It never fails the build.
func (t *nameTable) conflict(n conf.ServerName) error {
	t.warnings = append(t.warnings, conf.Notice{
		Pos: n.Pos,
		Msg: `conflicting server name "` + n.Name + `" on ` + t.a.text + `, ignored`,
	})
	return nil
}

// validName applies ngx_hash_add_key's checks: at most one asterisk, no
// empty label, and an asterisk only as `*.x` or `x.*`.
func validName(name string) bool {
	if strings.Contains(name, "..") {
		return false
	}
	switch strings.Count(name, "*") {
	case 0:
		return true
	case 1:
		return len(name) > 2 && (name[:2] == "*." || name[len(name)-2:] == ".*")
	default:
		return false
	}
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
