package maps

import (
	"regexp"
	"slices"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Map is one compiled map block; see the package documentation.
type Map struct {
	source    *vars.Template
	hostnames bool
	volatile  bool

	exact    map[string]*entry // lower-cased keys; also example.com for .example.com
	wildHead map[string]*entry // ".example.com" for both .example.com and *.example.com
	wildTail map[string]*entry // "www.example" for www.example.*
	regexes  []regexKey        // in the order written
	def      *entry            // default; nil is ""
}

// entry is the value of one key: a template that may hold variables and,
// after a regex key, its captures.
type entry struct {
	value *vars.Template
}

// regexKey is a ~regex or ~*regex key.
type regexKey struct {
	re *regexp.Regexp
	e  *entry
	// captures: the value reads $1..$9 or one of the regex's named groups,
	// so matching must report where the groups are (which allocates).
	captures bool
}

// Build compiles the map block d (`map SOURCE $VAR { ... }`, checked for
// context and argument count by conf's table) within sc, where the
// variable was declared before the walk (Declare). It returns the map and
// its variable, which it defines; replaced reports that an earlier map of
// the same variable is overridden (nginx's last map wins).
func Build(d *parser.Directive, sc *vars.Scope) (m *Map, v *vars.Var, replaced bool, err error) {
	src, err := sc.Parse(d.Args[0].Value)
	if err != nil {
		return nil, nil, false, parser.Errorf(d.Args[0].Pos, "%s", err.Error())
	}
	name := d.Args[1]
	if !strings.HasPrefix(name.Value, "$") {
		return nil, nil, false, parser.Errorf(name.Pos, "invalid variable name %q", name.Value)
	}
	if v, err = sc.Declare(name.Value[1:]); err != nil {
		return nil, nil, false, parser.Errorf(name.Pos, "%s", err.Error())
	}
	m = &Map{source: src, exact: map[string]*entry{}, wildHead: map[string]*entry{}, wildTail: map[string]*entry{}}
	for _, e := range d.Block {
		if err := m.add(e, sc); err != nil {
			return nil, nil, false, err
		}
	}
	replaced = v.Defined()
	v.Define(m, m.volatile)
	return m, v, replaced, nil
}

// add reads one line of the block, in order: `hostnames;` and `volatile;`
// change how later keys and the variable behave, as in nginx.
func (m *Map) add(d *parser.Directive, sc *vars.Scope) error {
	if len(d.Args) == 0 && d.Block == nil {
		switch d.Name {
		case "hostnames":
			m.hostnames = true
			return nil
		case "volatile":
			m.volatile = true
			return nil
		}
	}
	if len(d.Args) != 1 || d.Block != nil {
		return parser.Errorf(d.Pos, "invalid number of the map parameters")
	}
	a := d.Args[0]
	t, err := sc.Parse(a.Value)
	if err != nil {
		return parser.Errorf(a.Pos, "%s", err.Error())
	}
	e := &entry{value: t}
	key := d.Name
	switch {
	case key == "default":
		if m.def != nil {
			return parser.Errorf(d.Pos, "duplicate default map parameter")
		}
		m.def = e
		return nil
	case strings.HasPrefix(key, "~"):
		return m.addRegex(d, key[1:], e)
	case strings.HasPrefix(key, `\`):
		key = key[1:] // \default, \~x, \hostnames: the key as written after the backslash
	}
	return m.addKey(d.Pos, key, e)
}

// addRegex appends a regex key; ~* is case-insensitive.
func (m *Map) addRegex(d *parser.Directive, src string, e *entry) error {
	caseless := strings.HasPrefix(src, "*")
	if caseless {
		src = src[1:]
	}
	re, err := value.Regex(parser.Arg{Pos: d.Pos, Value: d.Name}, src, caseless)
	if err != nil {
		return err
	}
	m.regexes = append(m.regexes, regexKey{re: re, e: e, captures: usesCaptures(e.value, re)})
	return nil
}

// usesCaptures reports whether t reads a group of re: $1..$9 or a name.
func usesCaptures(t *vars.Template, re *regexp.Regexp) bool {
	for _, n := range t.Vars() {
		if len(n) == 1 && n[0] >= '1' && n[0] <= '9' {
			return true
		}
		if slices.ContainsFunc(re.SubexpNames(), func(s string) bool { return s != "" && strings.EqualFold(s, n) }) {
			return true
		}
	}
	return false
}

// addKey adds an exact key or, in a hostnames map, a wildcard, refusing a
// key that collides with one already there (compared lower-cased).
func (m *Map) addKey(pos parser.Pos, key string, e *entry) error {
	low := strings.ToLower(key)
	kind := keyExact
	if m.hostnames {
		kind = classify(low)
	}
	var table map[string]*entry
	switch kind {
	case keyInvalid:
		return parser.Errorf(pos, "invalid hostname or wildcard %q", key)
	case keyExact:
		table = m.exact
	case keyDotHead:
		// .example.com is example.com itself as well as *.example.com.
		if _, taken := m.exact[low[1:]]; taken {
			return parser.Errorf(pos, "conflicting parameter %q", key)
		}
		if _, taken := m.wildHead[low]; taken {
			return parser.Errorf(pos, "conflicting parameter %q", key)
		}
		m.exact[low[1:]] = e
		table = m.wildHead
	case keyStarHead:
		table, low = m.wildHead, low[1:]
	case keyTail:
		table, low = m.wildTail, low[:len(low)-2]
	}
	if _, taken := table[low]; taken {
		return parser.Errorf(pos, "conflicting parameter %q", key)
	}
	table[low] = e
	return nil
}
