package value

import (
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Templater parses an argument that may hold variables within one
// configuration's variables (its map and set variables, its named
// captures); Template is the one for the built-in variables only.
type Templater func(parser.Arg) (*vars.Template, error)

// Template parses an argument that may hold variables. vars's error (for
// example `unknown "x" variable`) gets the argument's position, so that an
// unknown variable is a -t error at the word that names it.
func Template(a parser.Arg) (*vars.Template, error) {
	t, err := vars.Parse(a.Value)
	if err != nil {
		return nil, parser.Errorf(a.Pos, "%s", err.Error())
	}
	return t, nil
}
