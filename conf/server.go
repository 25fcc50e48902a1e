package conf

import (
	"net/netip"
	"os"
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// defaultListen is where a server without listen is reachable: nginx's
// *:80 when it runs as root (nginx uses *:8000 otherwise; gw does not look
// at its user, so the configuration means the same for everybody).
var defaultListen = netip.AddrPortFrom(netip.IPv4Unspecified(), 80)

// serverBlock builds one server: a settings level below http, its block,
// then nginx's defaults for what the block left out.
func serverBlock(b *builder, d *parser.Directive) error {
	srv := &Server{Pos: d.Pos, Settings: &Settings{}}
	b.cfg.HTTP.Servers = append(b.cfg.HTTP.Servers, srv)
	b.server = srv
	pop := b.pushLevel(srv.Settings)
	defer func() { pop(); b.server = nil }()
	if err := b.walk(d.Block, ctxServer); err != nil {
		return err
	}
	if len(srv.Listens) == 0 {
		srv.Listens = []Listen{{Pos: d.Pos, Addr: defaultListen}}
	}
	if len(srv.Names) == 0 {
		// nginx's default server_name is "": $server_name is empty and
		// the server answers requests without a Host.
		srv.Names = []ServerName{{Pos: d.Pos, Kind: NameExact}}
	}
	srv.Name = variableName(srv.Names[0])
	for _, n := range srv.Names {
		if n.Regex != nil && n.Regex.NumSubexp() > 0 {
			srv.Capturing = true
		}
	}
	b.later(func() error { return checkLocations(srv.Locations) })
	return nil
}

// variableName is the $server_name a server's first name gives, as nginx
// builds it when it merges the server's settings.
func variableName(n ServerName) string {
	switch {
	case n.Kind == NameRegex:
		return "~" + n.Name
	case strings.HasPrefix(n.Name, "."):
		return n.Name[1:]
	}
	return n.Name
}

// serverNameDirective adds names in the order written; the first is
// $server_name.
func serverNameDirective(b *builder, d *parser.Directive) error {
	for _, a := range d.Args {
		n, err := parseServerName(a)
		if err != nil {
			return err
		}
		b.server.Names = append(b.server.Names, n)
	}
	return nil
}

// parseServerName classifies one server_name argument the way nginx's
// ngx_http_server_names does; host names compare case-insensitively, so
// they are stored lower-cased.
func parseServerName(a parser.Arg) (ServerName, error) {
	v := a.Value
	if v == "$hostname" {
		// nginx substitutes the machine's name for this one variable.
		h, err := os.Hostname()
		if err != nil {
			return ServerName{}, errorAt(a.Pos, "gethostname() failed: %v", err)
		}
		v = h
	}
	if strings.HasPrefix(v, "~") {
		return regexServerName(a, v[1:])
	}
	n := ServerName{Pos: a.Pos, Kind: NameExact, Name: strings.ToLower(v)}
	switch {
	case strings.HasPrefix(n.Name, "*."):
		n.Kind = NameWildPrefix
	case strings.HasPrefix(n.Name, ".") && len(n.Name) > 1:
		n.Kind = NameWildPrefix
	case strings.HasSuffix(n.Name, ".*"):
		n.Kind = NameWildSuffix
	}
	star := strings.Count(n.Name, "*")
	if star > 1 || (star == 1 && n.Kind == NameExact) {
		return ServerName{}, errorAt(a.Pos, "invalid server name or wildcard %q", v)
	}
	return n, nil
}

// regexServerName compiles a "~regex" server name. nginx compiles them
// caseless; PCRE's (?<name>...) is also Go syntax, so captures keep their
// names for $name variables.
func regexServerName(a parser.Arg, src string) (ServerName, error) {
	re, err := compileRegex(a, src, true)
	if err != nil {
		return ServerName{}, err
	}
	return ServerName{Pos: a.Pos, Kind: NameRegex, Name: src, Regex: re}, nil
}

// compileRegex compiles a regex of the configuration with Go's regexp
// (RE2): PCRE-only syntax such as look-arounds and back references is
// refused here, at -t, rather than failing later.
func compileRegex(a parser.Arg, src string, caseless bool) (*regexp.Regexp, error) {
	expr := src
	if caseless {
		expr = "(?i)" + src
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		return nil, errorAt(a.Pos, "invalid regex %q: %s", src, msg)
	}
	return re, nil
}
