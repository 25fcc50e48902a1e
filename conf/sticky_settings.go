package conf

import (
	"slices"
	"strings"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// StickySettings are the session_sticky directives of an http, server or
// location level, with inheritance applied.
type StickySettings struct {
	// Clean holds the session_sticky_header / session_sticky_hide_cookie
	// switches in effect, at most one per upstream: the innermost level's.
	// Unlike Tengine's single upstream per location, each upstream has its
	// own switch, so an http-level line for one upstream survives a
	// location-level line for another.
	Clean []StickyClean

	// Bypass are the session_sticky_bypass templates: when any evaluates
	// non-empty and not "0" the request ignores stickiness. nginx's rule for
	// array directives applies: a level that writes any replaces its
	// parent's list.
	Bypass []*vars.Template
}

// StickyClean is one session_sticky_header or session_sticky_hide_cookie
// line: whether requests proxied to Upstream are cleaned of the sticky
// cookie (option=indirect) or of its "SID~" prefix (mode=prefix).
type StickyClean struct {
	Pos      parser.Pos // the directive
	Upstream string     // the upstream's name as written
	On       bool       // false for switch=off
}

// Cleans reports whether requests proxied to the named upstream are
// cleaned at this level.
func (s *StickySettings) Cleans(upstream string) bool {
	if i := s.cleanIndex(upstream); i >= 0 {
		return s.Clean[i].On
	}
	return false
}

func (s *StickySettings) cleanIndex(upstream string) int {
	return slices.IndexFunc(s.Clean, func(c StickyClean) bool {
		return strings.EqualFold(c.Upstream, upstream)
	})
}

// setClean makes c the switch for its upstream at this level, replacing
// one inherited or written earlier at the same level (the last line wins, as
// Tengine's single switch did). mergeSticky has given this level its own
// Clean array, so writing into it cannot change the parent.
func (s *StickySettings) setClean(c StickyClean) {
	if i := s.cleanIndex(c.Upstream); i >= 0 {
		s.Clean[i] = c
		return
	}
	s.Clean = append(s.Clean, c)
}

// mergeSticky completes child from its parent level the way nginx merges a
// location's configuration: child keeps its own switches and takes the
// parent's for every upstream it does not name; it keeps its own bypass
// list, or takes the parent's when it has none. Settings.inherit calls it
// after copying the parent, so that child's Clean never shares its backing
// array with parent and setClean may write into it. Bypass may stay shared:
// a level that writes session_sticky_bypass resets it first.
func mergeSticky(parent, child *StickySettings) {
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
