package edit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Server is one `server` line of an upstream block.
type Server struct {
	// ID is how the runtime API names the server: its id= parameter when
	// it has one, else its address as written; the second and later lines
	// with the same name get "#2", "#3"... (ServerIDs). It may change when
	// Address or id= does. When written, an ID that is not one of those
	// derived names (the address, or the address with "#N") and that
	// Params does not contradict is written as id=, which is what an
	// operator sending {"id":"s3"} means.
	ID      string `json:"id"`
	Address string `json:"address"`
	// Weight, MaxConns: 0 leaves the parameter out (gw's defaults, 1 and
	// unlimited).
	Weight   int `json:"weight,omitempty"`
	MaxConns int `json:"max_conns,omitempty"`
	// MaxFails is a pointer because max_fails=0, which turns passive
	// health checks off, differs from leaving it out (1).
	MaxFails    *int   `json:"max_fails,omitempty"`
	FailTimeout string `json:"fail_timeout,omitempty"` // as written: "10s", "1m"
	Backup      bool   `json:"backup,omitempty"`
	Down        bool   `json:"down,omitempty"`
	Drain       bool   `json:"drain,omitempty"`
	// Params are the line's other parameters as written, in order: id=,
	// slow_start=, and any value the fields above cannot hold exactly
	// (weight=0 stays here, for gw -t to refuse).
	Params []string `json:"params,omitempty"`
}

// serverFlags are the bare parameters with a field.
var serverFlags = map[string]func(s *Server){
	"backup": func(s *Server) { s.Backup = true },
	"down":   func(s *Server) { s.Down = true },
	"drain":  func(s *Server) { s.Drain = true },
}

// serverParams are the name=value parameters with a field. Each sets the
// field and reports true only when the field holds the value exactly, so
// that writing the field gives back the same parameter.
var serverParams = map[string]func(s *Server, v string) bool{
	"weight":       func(s *Server, v string) bool { return positive(v, &s.Weight) },
	"max_conns":    func(s *Server, v string) bool { return positive(v, &s.MaxConns) },
	"fail_timeout": func(s *Server, v string) bool { s.FailTimeout = v; return v != "" },
	"max_fails": func(s *Server, v string) bool {
		var n int
		if v != "0" && !positive(v, &n) {
			return false
		}
		s.MaxFails = &n
		return true
	},
}

// positive sets *n from v when v is a plain decimal number above 0 written
// as strconv.Itoa would write it.
func positive(v string, n *int) bool {
	x, err := strconv.Atoi(v)
	if err != nil || x <= 0 || strconv.Itoa(x) != v {
		return false
	}
	*n = x
	return true
}

// hasField reports whether parameter a has a field that takes it, setting
// the field of s when it does.
func hasField(s *Server, a string) bool {
	if set := serverFlags[a]; set != nil {
		set(s)
		return true
	}
	name, v, ok := strings.Cut(a, "=")
	set := serverParams[name]
	return ok && set != nil && set(s, v)
}

// readServer reads one server line (ID aside).
func readServer(d *parser.Directive) Server {
	var s Server
	if len(d.Args) > 0 {
		s.Address = d.Args[0].Value
	}
	for i := 1; i < len(d.Args); i++ {
		if a := d.Args[i].Value; !hasField(&s, a) {
			s.Params = append(s.Params, a)
		}
	}
	return s
}

// args writes the server's parameters, address first, in a fixed order:
// a changed line is written anew, not edited word by word.
func (s *Server) args() []string {
	out := []string{s.Address}
	if s.Weight > 0 {
		out = append(out, "weight="+strconv.Itoa(s.Weight))
	}
	if s.MaxConns > 0 {
		out = append(out, "max_conns="+strconv.Itoa(s.MaxConns))
	}
	if s.MaxFails != nil {
		out = append(out, "max_fails="+strconv.Itoa(*s.MaxFails))
	}
	if s.FailTimeout != "" {
		out = append(out, "fail_timeout="+s.FailTimeout)
	}
	out = append(out, s.Params...)
	for _, f := range []struct {
		on   bool
		name string
	}{{s.Backup, "backup"}, {s.Down, "down"}, {s.Drain, "drain"}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// item is the server as a directive to sync: equal servers keep their
// line as written, whatever its parameter order.
func (s *Server) item() item {
	a := s.args()
	if id := s.writtenID(); id != "" {
		// Last on the line; it reads back as Params [..., "id=ID"], the
		// ID then derived from it.
		a = append(a, "id="+id)
	}
	return item{key: key(a...), text: line("server", a...)}
}

// check refuses a server that cannot be written as one; field prefixes the
// field names.
func (s *Server) check(field string) error {
	if err := wordOK(field+"address", s.Address); err != nil {
		return err
	}
	if id := s.writtenID(); id != "" {
		if err := wordOK(field+"id", id); err != nil {
			return err
		}
	}
	switch {
	case s.Weight < 0:
		return invalid(field+"weight", "must not be negative")
	case s.MaxConns < 0:
		return invalid(field+"max_conns", "must not be negative")
	case s.MaxFails != nil && *s.MaxFails < 0:
		return invalid(field+"max_fails", "must not be negative")
	}
	for i, a := range s.Params {
		f := fmt.Sprintf("%sparams[%d]", field, i)
		if a == "" {
			return invalid(f, "must not be empty")
		}
		var probe Server
		if hasField(&probe, a) {
			return invalid(f, fmt.Sprintf("%q has its own field", a))
		}
	}
	return nil
}

// writtenID is the id= that ID asks for, "" when ID is empty, derived
// from the address (a read server sent back as it was read), or when
// Params has an id= already.
func (s *Server) writtenID() string {
	if s.ID == "" || s.ID == s.Address {
		return ""
	}
	if n, ok := strings.CutPrefix(s.ID, s.Address+"#"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return ""
		}
	}
	for _, a := range s.Params {
		if strings.HasPrefix(a, "id=") {
			return ""
		}
	}
	return s.ID
}

// idKey is what names the server before ranking: id= when written.
func (s *Server) idKey() string {
	id := ""
	for _, a := range s.Params {
		if v, ok := strings.CutPrefix(a, "id="); ok {
			id = v // the last one counts, as in gw
		}
	}
	if id != "" {
		return id
	}
	return s.Address
}

// ServerIDs names the servers of an upstream, in order, from their keys:
// a server's id= value when it has one, else its address as written. The
// first server with a key is named by the key, the next ones by the key
// and "#2", "#3"..., as gw's metrics tell two lines with one address
// apart. The runtime API names a server of the running configuration the
// same way (one name per server line, however many addresses its host
// name resolves to).
func ServerIDs(keys []string) []string {
	seen := map[string]int{}
	ids := make([]string, len(keys))
	for i, k := range keys {
		seen[k]++
		ids[i] = k
		if n := seen[k]; n > 1 {
			ids[i] += "#" + strconv.Itoa(n)
		}
	}
	return ids
}

// nameServers sets the ID of every server.
func nameServers(servers []Server) {
	keys := make([]string, len(servers))
	for i := range servers {
		keys[i] = servers[i].idKey()
	}
	for i, id := range ServerIDs(keys) {
		servers[i].ID = id
	}
}
