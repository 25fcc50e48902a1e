package location

import (
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
)

// Compile builds the location matcher of one server block.
//
// s must have passed conf's check that no block holds two prefix locations
// (`/x` and `^~ /x` count as the same) or two exact locations with the same
// pattern: a tree that has them anyway matches the first one written. An
// exact and a prefix location may share a pattern; the exact one wins for
// that URI. Regex and named locations may repeat, as in nginx: the first
// one written wins.
func Compile(s *conf.Server) (*Matcher, error) {
	m := &Matcher{named: map[string]*conf.Location{}}
	if s == nil {
		return m, nil
	}
	lv, err := compileLevel(s.Locations)
	if err != nil {
		return nil, err
	}
	m.root = *lv
	for _, l := range s.Locations {
		if l != nil && l.Modifier == conf.ModNamed {
			if _, dup := m.named[l.Pattern]; !dup {
				m.named[l.Pattern] = l
			}
		}
	}
	return m, nil
}

// compileLevel compiles the locations written directly in one block, and
// recursively those nested in them.
func compileLevel(locs []*conf.Location) (*level, error) {
	lv := &level{}
	for _, l := range locs {
		if l == nil || l.Modifier == conf.ModNamed {
			continue // named locations never match a URI
		}
		e, err := compileEntry(l)
		if err != nil {
			return nil, err
		}
		switch l.Modifier {
		case conf.ModRegex, conf.ModRegexCI:
			lv.regexes = append(lv.regexes, e)
			lv.needs = append(lv.needs, e.rx.need)
		default:
			if lv.static == nil {
				lv.static = &radix{}
			}
			lv.static.insert(l.Pattern, e, l.Modifier == conf.ModExact)
		}
	}
	return lv, nil
}

// compileEntry compiles one location and the locations nested in it.
func compileEntry(l *conf.Location) (*entry, error) {
	e := &entry{loc: l, stop: l.Modifier == conf.ModPrefixStop, redirect: autoRedirects(l)}
	if l.Modifier == conf.ModRegex || l.Modifier == conf.ModRegexCI {
		re, err := locationRegex(l)
		if err != nil {
			return nil, err
		}
		e.rx = newPrefiltered(re)
	}
	if len(l.Locations) > 0 {
		sub, err := compileLevel(l.Locations)
		if err != nil {
			return nil, err
		}
		e.sub = sub
	}
	return e, nil
}

// locationRegex returns the regex of a `~` or `~*` location. conf normally
// compiles it; the source is compiled here when it did not. `~*` must match
// case-insensitively (nginx compiles it with PCRE_CASELESS), so a `~*`
// regex that does not already start with (?i) is recompiled with it:
// adding the flag to a pattern that has it is harmless.
func locationRegex(l *conf.Location) (*regexp.Regexp, error) {
	src := l.Pattern
	if l.Regex != nil {
		src = l.Regex.String()
	}
	if l.Modifier == conf.ModRegexCI && !strings.HasPrefix(src, "(?i)") {
		src = "(?i)" + src
	} else if l.Regex != nil {
		return l.Regex, nil
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, &parser.Error{Pos: l.Pos, Msg: `invalid regex "` + l.Pattern + `": ` + err.Error()}
	}
	return re, nil
}

// autoRedirects is nginx's auto_redirect flag (set by proxy_pass in
// ngx_http_proxy_pass): a static location whose pattern ends with "/" and
// whose requests are proxied answers its pattern without the slash with a
// 301 to the pattern.
func autoRedirects(l *conf.Location) bool {
	p := l.Pattern
	return (l.Modifier == conf.ModPrefix || l.Modifier == conf.ModPrefixStop || l.Modifier == conf.ModExact) &&
		len(p) > 1 && p[len(p)-1] == '/' && l.Settings != nil && l.Settings.ProxyPass != nil
}
