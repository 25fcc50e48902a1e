package location

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
)

// line numbers the locations and names built by the helpers, so errors can
// be checked for the position of the right directive.
var line int

func pos() parser.Pos {
	line++
	return parser.Pos{File: "t.conf", Line: line, Col: 5}
}

// loc builds a location the way conf does from `location [mod] pattern`,
// e.g. loc("= /x"), loc("^~ /static/"), loc("~* \\.jpg$"), loc("@fallback").
// Regexes are compiled from the pattern as written: no (?i) is added for
// `~*`, so the tests also cover Compile adding it.
func loc(spec string, nested ...*conf.Location) *conf.Location {
	l := &conf.Location{Pos: pos(), Locations: nested}
	mod, pat, ok := strings.Cut(spec, " ")
	switch {
	case !ok && strings.HasPrefix(spec, "@"):
		l.Modifier, l.Pattern = conf.ModNamed, spec
	case !ok:
		l.Modifier, l.Pattern = conf.ModPrefix, spec
	case mod == "=":
		l.Modifier, l.Pattern = conf.ModExact, pat
	case mod == "^~":
		l.Modifier, l.Pattern = conf.ModPrefixStop, pat
	case mod == "~":
		l.Modifier, l.Pattern, l.Regex = conf.ModRegex, pat, regexp.MustCompile(pat)
	case mod == "~*":
		l.Modifier, l.Pattern, l.Regex = conf.ModRegexCI, pat, regexp.MustCompile(pat)
	default:
		panic("bad location spec " + spec)
	}
	for _, n := range nested {
		n.Parent = l
	}
	return l
}

// name renders a location back as its spec, so tables can name the
// expected winner; "" for nil.
func name(l *conf.Location) string {
	if l == nil {
		return ""
	}
	switch l.Modifier {
	case conf.ModExact:
		return "= " + l.Pattern
	case conf.ModPrefixStop:
		return "^~ " + l.Pattern
	case conf.ModRegex:
		return "~ " + l.Pattern
	case conf.ModRegexCI:
		return "~* " + l.Pattern
	}
	return l.Pattern
}

// server builds a server block with the given locations.
func server(locs ...*conf.Location) *conf.Server {
	return &conf.Server{Pos: pos(), Locations: locs}
}

// mustCompile compiles s or fails the test.
func mustCompile(t testing.TB, s *conf.Server) *Matcher {
	t.Helper()
	m, err := Compile(s)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

// vhost builds a server block from listen and server_name arguments as
// written in nginx: listens like "80", "127.0.0.1:80 default_server",
// "443 ssl reuseport backlog=511"; names like "example.com",
// "*.example.com", "~^api\\d+$".
func vhost(id string, listens []string, names ...string) *conf.Server {
	s := &conf.Server{Pos: pos(), Locations: []*conf.Location{loc("/" + id)}}
	for _, l := range listens {
		s.Listens = append(s.Listens, listen(l))
	}
	for _, n := range names {
		s.Names = append(s.Names, serverName(n))
	}
	return s
}

// id tells which vhost a server is; "" for nil.
func id(s *conf.Server) string {
	if s == nil {
		return ""
	}
	return s.Locations[0].Pattern[1:]
}

// listen parses a listen directive's arguments into conf.Listen, with the
// address normalised as conf does ("80" -> 0.0.0.0:80).
func listen(spec string) conf.Listen {
	f := strings.Fields(spec)
	addr := f[0]
	if !strings.Contains(addr, ":") {
		addr = "0.0.0.0:" + addr
	}
	l := conf.Listen{Pos: pos(), Addr: netip.MustParseAddrPort(addr)}
	for _, opt := range f[1:] {
		switch {
		case opt == "default_server":
			l.DefaultServer = true
		case opt == "ssl":
			l.SSL = true
		case opt == "reuseport":
			l.ReusePort = true
		case strings.HasPrefix(opt, "backlog="):
			l.Backlog = len(opt) // any positive number will do
		default:
			panic("bad listen option " + opt)
		}
	}
	return l
}

// serverName classifies a server_name argument as conf does.
func serverName(n string) conf.ServerName {
	sn := conf.ServerName{Pos: pos(), Name: strings.ToLower(n)}
	switch {
	case strings.HasPrefix(n, "~"):
		sn.Kind, sn.Name = conf.NameRegex, n[1:]
		src := n[1:]
		if strings.ToLower(src) != src {
			src = "(?i)" + src
		}
		sn.Regex = regexp.MustCompile(src)
	case strings.HasPrefix(n, "*") || strings.HasPrefix(n, "."):
		sn.Kind = conf.NameWildPrefix
	case strings.HasSuffix(n, "*"):
		sn.Kind = conf.NameWildSuffix
	}
	return sn
}
