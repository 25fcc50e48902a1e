package names

import (
	"os"
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Kind says how a server_name matches a Host.
type Kind uint8

// The kinds of server_name, in nginx's order of precedence.
const (
	Exact      Kind = iota // example.com (also "" and "_")
	WildPrefix             // *.example.com, and .example.com (which also matches example.com)
	WildSuffix             // www.example.*
	Regex                  // ~^www\d+\.example\.com$
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case WildPrefix:
		return "wildcard-prefix"
	case WildSuffix:
		return "wildcard-suffix"
	case Regex:
		return "regex"
	}
	return "exact"
}

// ServerName is one name of a server_name directive, lower-cased.
type ServerName struct {
	Pos   parser.Pos
	Kind  Kind
	Name  string         // as written, lower-cased, without the "~" of a regex
	Regex *regexp.Regexp // for Regex
}

// Parse classifies one server_name argument the way nginx's
// ngx_http_server_names does; host names compare case-insensitively, so
// they are stored lower-cased.
func Parse(a parser.Arg) (ServerName, error) {
	v := a.Value
	if v == "$hostname" {
		// nginx substitutes the machine's name for this one variable.
		h, err := os.Hostname()
		if err != nil {
			return ServerName{}, parser.Errorf(a.Pos, "gethostname() failed: %v", err)
		}
		v = h
	}
	if src, ok := strings.CutPrefix(v, "~"); ok {
		// nginx compiles them caseless; PCRE's (?<name>...) is also Go
		// syntax, so captures keep their names for $name variables.
		re, err := value.Regex(a, src, true)
		if err != nil {
			return ServerName{}, err
		}
		return ServerName{Pos: a.Pos, Kind: Regex, Name: src, Regex: re}, nil
	}
	n := ServerName{Pos: a.Pos, Kind: Exact, Name: strings.ToLower(v)}
	switch {
	case strings.HasPrefix(n.Name, "*."):
		n.Kind = WildPrefix
	case strings.HasPrefix(n.Name, ".") && len(n.Name) > 1:
		n.Kind = WildPrefix
	case strings.HasSuffix(n.Name, ".*"):
		n.Kind = WildSuffix
	}
	star := strings.Count(n.Name, "*")
	if star > 1 || (star == 1 && n.Kind == Exact) {
		return ServerName{}, parser.Errorf(a.Pos, "invalid server name or wildcard %q", v)
	}
	return n, nil
}

// Variable is the $server_name a server's first name gives, as nginx
// builds it when it merges the server's settings.
func Variable(n ServerName) string {
	switch {
	case n.Kind == Regex:
		return "~" + n.Name
	case strings.HasPrefix(n.Name, "."):
		return n.Name[1:]
	}
	return n.Name
}
