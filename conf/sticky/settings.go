package sticky

import (
	"slices"
	"strings"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Settings are the session_sticky directives of an http, server or
// location level, with inheritance applied.
type Settings struct {
	// Clean holds the session_sticky_header / session_sticky_hide_cookie
	// switches in effect, at most one per upstream: the innermost level's.
	// Unlike Tengine's single upstream per location, each upstream has its
	// own switch, so an http-level line for one upstream survives a
	// location-level line for another.
	Clean []Clean

	// Bypass are the session_sticky_bypass templates: when any evaluates
	// non-empty and not "0" the request ignores stickiness. nginx's rule for
	// array directives applies: a level that writes any replaces its
	// parent's list.
	Bypass []*vars.Template
}

// Clean is one session_sticky_header or session_sticky_hide_cookie
// line: whether requests proxied to Upstream are cleaned of the sticky
// cookie (option=indirect) or of its "SID~" prefix (mode=prefix).
type Clean struct {
	Pos      parser.Pos // the directive
	Upstream string     // the upstream's name as written
	On       bool       // false for switch=off
}

// Cleans reports whether requests proxied to the named upstream are
// cleaned at this level.
func (s *Settings) Cleans(upstream string) bool {
	if i := s.cleanIndex(upstream); i >= 0 {
		return s.Clean[i].On
	}
	return false
}

// Switched reports whether a session_sticky_header line for the named
// upstream is in effect at this level, switch=off included: the operator
// has decided about cleaning there.
func (s *Settings) Switched(upstream string) bool { return s.cleanIndex(upstream) >= 0 }

// CleanedOf names what requests to an upstream with this session_sticky
// carry that cleaning would remove (see Cleans): "option=indirect" or
// "mode=prefix".
func (s *Config) CleanedOf() string {
	if s.Indirect {
		return "option=indirect"
	}
	return "mode=prefix"
}

func (s *Settings) cleanIndex(upstream string) int {
	return slices.IndexFunc(s.Clean, func(c Clean) bool {
		return strings.EqualFold(c.Upstream, upstream)
	})
}

// SetClean makes c the switch for its upstream at this level, replacing
// one inherited or written earlier at the same level (the last line wins, as
// Tengine's single switch did). Merge has given this level its own
// Clean array, so writing into it cannot change the parent.
func (s *Settings) SetClean(c Clean) {
	if i := s.cleanIndex(c.Upstream); i >= 0 {
		s.Clean[i] = c
		return
	}
	s.Clean = append(s.Clean, c)
}

// Merge completes child from its parent level the way nginx merges a
// location's configuration: child keeps its own switches and takes the
// parent's for every upstream it does not name; it keeps its own bypass
// list, or takes the parent's when it has none. conf's Settings.inherit calls it
// after copying the parent, so that child's Clean never shares its backing
// array with parent and SetClean may write into it. Bypass may stay shared:
// a level that writes session_sticky_bypass resets it first.
func Merge(parent, child *Settings) {
	clean := slices.Clone(child.Clean)
	for _, c := range parent.Clean {
		if child.cleanIndex(c.Upstream) < 0 {
			clean = append(clean, c)
		}
	}
	child.Clean = clean
	if child.Bypass == nil {
		child.Bypass = parent.Bypass
	}
}

// ParseClean reads session_sticky_header and session_sticky_hide_cookie:
// `upstream=NAME [switch=on|off]`. Whether NAME is an upstream with
// session_sticky is for the caller to check once every upstream is known.
func ParseClean(d *parser.Directive) (Clean, error) {
	name, ok := strings.CutPrefix(d.Args[0].Value, "upstream=")
	if !ok {
		// Tengine's words for a first argument that is not upstream=,
		// and what was expected: a bare name is the usual mistake.
		return Clean{}, parser.Errorf(d.Args[0].Pos, `invalid argument of %q: "upstream=NAME" expected`, d.Args[0].Value)
	}
	if name == "" {
		return Clean{}, parser.Errorf(d.Args[0].Pos, "invalid upstream name %q", d.Args[0].Value)
	}
	c := Clean{Pos: d.Pos, Upstream: name, On: true}
	if len(d.Args) == 2 {
		a := d.Args[1]
		v, ok := strings.CutPrefix(a.Value, "switch=")
		if !ok {
			return Clean{}, parser.Errorf(a.Pos, `invalid argument of %q: "switch=on|off" expected`, a.Value)
		}
		if !pick(&c.On, v, switchWords) {
			return Clean{}, parser.Errorf(a.Pos, "invalid switch %q", a.Value)
		}
	}
	return c, nil
}
