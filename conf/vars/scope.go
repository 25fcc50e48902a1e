package vars

import (
	"fmt"
	"slices"
	"strings"
)

// Scope is the set of variables one configuration defines itself, with map
// and set, next to the catalogue every configuration shares. Each defined
// variable gets a slot: an index into the per-request storage of Request,
// so reading one is an array access, never a name lookup. A Scope is built
// once per configuration, before the directives that use its variables are
// parsed (nginx lets a variable be used before the map or set that defines
// it), and is read-only once the configuration is built.
type Scope struct {
	vars     map[string]*Var
	list     []*Var
	captures []string // named regex groups, lower-cased: variables too
}

// Var is one variable a configuration defines. Its value in a request is
// what the last set wrote, else what its Evaluator computes (a map), else
// "" (a variable only set, read before any set ran).
type Var struct {
	name     string
	index    int
	eval     Evaluator
	volatile bool
}

// Evaluator computes a defined variable's value for r: a map, or for a
// set variable that shadows a prefix family ($http_x) the family's value.
// *Template is one.
type Evaluator interface {
	Append(dst []byte, r *Request) []byte
}

// NewScope starts the scope of a configuration whose regexes (server_name,
// map keys) have the named groups captures, lower-cased.
func NewScope(captures []string) *Scope {
	return &Scope{vars: map[string]*Var{}, captures: captures}
}

// AddCaptures adds named regex groups to the variables the scope knows.
func (sc *Scope) AddCaptures(names ...string) {
	for _, n := range names {
		n = strings.ToLower(n)
		if n != "" && !slices.Contains(sc.captures, n) {
			sc.captures = append(sc.captures, n)
		}
	}
}

// Declare returns the variable name (without "$") defines, adding it on
// first use: a map and set of the same name share one variable, as in
// nginx, where both add it as changeable. A name of the catalogue is
// refused with nginx's words (`the duplicate "host" variable`): gw's
// built-in variables cannot be written. A name of a prefix family
// ($http_x, $arg_x...) becomes a variable whose value, until a set writes
// it, is the family's, as nginx keeps the prefix handler of such a name.
func (sc *Scope) Declare(name string) (*Var, error) {
	lower := strings.ToLower(name)
	if v, ok := sc.vars[lower]; ok {
		return v, nil
	}
	if lower == "" || strings.IndexFunc(lower, func(c rune) bool { return c > 0x7f || !isNameChar(byte(c)) }) >= 0 {
		return nil, fmt.Errorf("invalid variable name %q", "$"+name)
	}
	if _, ok := catalogue[lower]; ok || len(lower) == 1 && lower[0] >= '1' && lower[0] <= '9' {
		return nil, fmt.Errorf("the duplicate %q variable", lower)
	}
	v := &Var{name: lower, index: len(sc.list)}
	if p, err := resolve(lower); err == nil {
		v.eval = &Template{src: "$" + lower, parts: []part{p}, vars: 1}
	}
	sc.vars[lower] = v
	sc.list = append(sc.list, v)
	return v, nil
}

// Lookup returns the defined variable name, or nil.
func (sc *Scope) Lookup(name string) *Var {
	if sc == nil {
		return nil
	}
	return sc.vars[strings.ToLower(name)]
}

// Len is how many variables the scope defines: the slots a Request needs.
func (sc *Scope) Len() int {
	if sc == nil {
		return 0
	}
	return len(sc.list)
}

// Parse is the package's Parse for a template of this configuration: its
// defined variables and named captures resolve too. A nil Scope is the
// bare catalogue.
func (sc *Scope) Parse(s string) (*Template, error) {
	if sc == nil {
		return Parse(s)
	}
	return parse(s, sc)
}

// Name is the variable's lower-cased name, without "$".
func (v *Var) Name() string { return v.name }

// Defined reports whether a map computes the variable (set only writes it).
func (v *Var) Defined() bool {
	_, family := v.eval.(*Template)
	return v.eval != nil && !family
}

// Define makes e compute the variable when no set wrote it; volatile
// evaluates it on every read instead of once per request (map's volatile).
// A later Define replaces an earlier one, as nginx's last map of a name
// wins.
func (v *Var) Define(e Evaluator, volatile bool) {
	v.eval, v.volatile = e, volatile
}

// Names lists the defined variables' names in the order they were
// declared (the order of their first map or set in the file).
func (sc *Scope) Names() []string {
	if sc == nil {
		return nil
	}
	names := make([]string, len(sc.list))
	for i, v := range sc.list {
		names[i] = v.name
	}
	return names
}
