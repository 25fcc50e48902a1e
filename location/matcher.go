package location

import (
	"github.com/gw-proxy/gw/conf"
)

// Matcher selects the location block of one server for a URI path. It is
// immutable once compiled and safe for concurrent use.
type Matcher struct {
	root  level
	named map[string]*conf.Location
}

// level holds the locations written directly inside one block: the server,
// or a location with nested locations. nginx keeps the same split per block
// (static_locations / regex_locations in ngx_http_core_loc_conf_t).
type level struct {
	static  *radix   // prefix and exact locations; nil when there are none
	regexes []*entry // `~` and `~*` locations in file order
	// needs holds regexes[i].rx.need side by side: the pair-mask test that
	// rejects most regexes reads a few cache lines instead of one entry
	// (and its prefilter) per regex.
	needs []pairMask
}

// entry is one compiled location.
type entry struct {
	loc  *conf.Location
	stop bool // `^~`: a match here skips the regexes of this level
	// redirect is nginx's auto_redirect: the pattern ends with "/" and the
	// location proxies, so the pattern minus its slash is redirected here.
	redirect bool
	rx       prefiltered // for regex locations; `~*` is compiled case-insensitive
	sub      *level      // nested locations; nil when there are none
}

// Match returns the location that serves path, or nil when no location
// matches and the server-level settings apply.
//
// path is the request's URI path as nginx's $uri has it: decoded and
// normalised, without the query string. Prefix and exact matching allocate
// nothing; regex matching goes through regexp.(*Regexp).Match, which reuses
// pooled matcher state and, measured, allocates nothing either once warm.
func (m *Matcher) Match(path []byte) *conf.Location {
	loc, _ := m.Lookup(path)
	return loc
}

// Lookup is Match that also reports nginx's auto-redirect: when no location
// is written for path itself but a proxying location is written for path
// + "/", nginx answers 301 with Location path + "/" (and the query string),
// before any regex is tried. Then loc is that location and redirect is true.
func (m *Matcher) Lookup(path []byte) (loc *conf.Location, redirect bool) {
	if m == nil {
		return nil, false
	}
	e, _, redirect := m.root.find(path)
	if e == nil {
		return nil, false
	}
	return e.loc, redirect
}

// Named returns the named location `location @name` (name given with its
// "@"), or nil. Named locations are reached only by error_page and similar
// internal redirects, never by a URI.
func (m *Matcher) Named(name string) *conf.Location {
	if m == nil {
		return nil
	}
	return m.named[name]
}

// find is ngx_http_core_find_location, in the same order:
//
//  1. Look up the static (prefix and exact) locations of this level. An
//     exact match is final at once.
//  2. With a longest prefix match, search the locations nested inside it the
//     same way; a final result from there (an exact or regex match at any
//     depth) is final here too. Otherwise the deepest prefix found so far
//     is kept as the fallback.
//  3. Unless the prefix found at this level is `^~`, test this level's
//     regexes in file order; the first that matches wins, refined by a
//     search of the locations nested inside it.
//  4. Otherwise the fallback (possibly nil) is the result.
//
// So regexes are tried innermost first: those nested in the deepest prefix
// location, then those of each enclosing block out to the server level; a
// `^~` prefix only silences the regexes of the block it is written in.
// final reports whether the result came from step 1 or 3 (nginx's NGX_OK).
// redirect reports an auto-redirect found in step 1 or 2 (nginx's NGX_DONE,
// which is final too and skips the regexes).
func (lv *level) find(path []byte) (e *entry, final, redirect bool) {
	noregex := false
	if lv.static != nil {
		exact, prefix, auto := lv.static.lookup(path)
		if exact != nil {
			return exact, true, false
		}
		if auto != nil {
			return auto, true, true
		}
		if prefix != nil {
			e, noregex = prefix, prefix.stop
			if prefix.sub != nil {
				if inner, fin, redir := prefix.sub.find(path); inner != nil {
					if fin {
						return inner, true, redir
					}
					e = inner
				}
			}
		}
	}
	if noregex {
		return e, false, false
	}
	var pairs pairMask
	if len(lv.regexes) > 0 {
		pairs = pairsOf(path)
	}
	for i, r := range lv.regexes {
		if lv.needs[i]&^pairs != 0 || !r.rx.match(path) {
			continue
		}
		if r.sub != nil {
			if inner, _, redir := r.sub.find(path); inner != nil {
				return inner, true, redir
			}
		}
		return r, true, false
	}
	return e, false, false
}
