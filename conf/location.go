package conf

import (
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// locationBlock builds a location: its modifier and pattern, nginx's
// nesting rules, then a settings level below the enclosing server or
// location and the block itself.
func locationBlock(b *builder, d *parser.Directive) error {
	loc, err := parseLocation(d)
	if err != nil {
		return err
	}
	ctx := ctxLocation
	if parent := b.loc; parent != nil {
		if err := checkNesting(d, parent, loc); err != nil {
			return err
		}
		loc.Parent = parent
		parent.Locations = append(parent.Locations, loc)
		ctx = ctxNestedLocation
	} else {
		b.server.Locations = append(b.server.Locations, loc)
	}
	b.loc = loc
	pop := b.pushLevel(loc.Settings)
	defer func() { pop(); b.loc = loc.Parent }()
	return b.walk(d.Block, ctx)
}

// locationModifiers are the modifiers written as their own argument.
var locationModifiers = map[string]Modifier{
	"=": ModExact, "^~": ModPrefixStop, "~": ModRegex, "~*": ModRegexCI,
}

// gluedModifiers are the modifiers nginx also accepts glued to the pattern
// ("=/x", "~\.php$"), longest first so "~*" is not read as "~".
var gluedModifiers = []struct {
	text string
	mod  Modifier
}{{"^~", ModPrefixStop}, {"~*", ModRegexCI}, {"=", ModExact}, {"~", ModRegex}}

// parseLocation reads `location [MOD] PATTERN` into a Location.
func parseLocation(d *parser.Directive) (*Location, error) {
	loc := &Location{Pos: d.Pos, Settings: &Settings{}}
	pat := d.Args[len(d.Args)-1]
	if len(d.Args) == 2 {
		m, ok := locationModifiers[d.Args[0].Value]
		if !ok {
			return nil, errorAt(d.Args[0].Pos, "invalid location modifier %q", d.Args[0].Value)
		}
		loc.Modifier, loc.Pattern = m, pat.Value
	} else {
		loc.Modifier, loc.Pattern = splitGlued(pat.Value)
	}
	if loc.Modifier == ModRegex || loc.Modifier == ModRegexCI {
		re, err := value.Regex(pat, loc.Pattern, loc.Modifier == ModRegexCI)
		if err != nil {
			return nil, err
		}
		loc.Regex = re
	}
	return loc, nil
}

// splitGlued separates a modifier written without a space; a pattern
// starting with "@" is a named location (nginx keeps the "@" in the name).
func splitGlued(v string) (Modifier, string) {
	if strings.HasPrefix(v, "@") {
		return ModNamed, v
	}
	for _, g := range gluedModifiers {
		if strings.HasPrefix(v, g.text) {
			return g.mod, v[len(g.text):]
		}
	}
	return ModPrefix, v
}

// checkNesting applies ngx_http_core_location's rules for a location inside
// another, with its messages. Like nginx, a non-regex location must start
// with the enclosing location's pattern, whatever kind that one is.
func checkNesting(d *parser.Directive, parent, loc *Location) error {
	switch {
	case parent.Modifier == ModExact:
		return errorAt(d.Pos, "location %q cannot be inside the exact location %q", loc.Pattern, parent.Pattern)
	case parent.Modifier == ModNamed:
		return errorAt(d.Pos, "location %q cannot be inside the named location %q", loc.Pattern, parent.Pattern)
	case loc.Modifier == ModNamed:
		return errorAt(d.Pos, "named location %q can be on the server level only", loc.Pattern)
	case loc.Regex == nil && !strings.HasPrefix(loc.Pattern, parent.Pattern):
		return errorAt(d.Pos, "location %q is outside location %q", loc.Pattern, parent.Pattern)
	}
	return nil
}

// checkLocations rejects two locations at one level with the same pattern
// and kind (nginx's ngx_http_join_exact_locations): "^~ /x" and "/x" are
// the same prefix, "= /x" beside "/x" is fine. Regexes may repeat. The
// location package builds its matchers on this and does not check again.
func checkLocations(locs []*Location) error {
	seen := make(map[string]bool, len(locs))
	for _, l := range locs {
		var key string
		switch l.Modifier {
		case ModExact:
			key = "=" + l.Pattern
		case ModPrefix, ModPrefixStop:
			key = "/" + l.Pattern
		default:
			key = ""
		}
		if key != "" {
			if seen[key] {
				return errorAt(l.Pos, "duplicate location %q", l.Pattern)
			}
			seen[key] = true
		}
		if err := checkLocations(l.Locations); err != nil {
			return err
		}
	}
	return nil
}
