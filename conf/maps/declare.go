package maps

import (
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Declare adds to sc, before the configuration is walked, the variable of
// every map block in tree and the named groups of their regex keys, so that
// a template may read a map's variable or group wherever it is written, as
// nginx allows. It reports nothing: a malformed map is reported where the
// walk meets it.
func Declare(tree []*parser.Directive, sc *vars.Scope) {
	for _, d := range tree {
		if d.Name == "map" && len(d.Args) == 2 && d.Block != nil {
			if name, ok := strings.CutPrefix(d.Args[1].Value, "$"); ok {
				_, _ = sc.Declare(name)
			}
			for _, e := range d.Block {
				declareGroups(e.Name, sc)
			}
		}
		Declare(d.Block, sc)
	}
}

// declareGroups adds the named groups of a regex key.
func declareGroups(key string, sc *vars.Scope) {
	src, ok := strings.CutPrefix(key, "~")
	if !ok {
		return
	}
	src = strings.TrimPrefix(src, "*")
	if re, err := regexp.Compile(src); err == nil {
		sc.AddCaptures(re.SubexpNames()...)
	}
}
