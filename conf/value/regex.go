package value

import (
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Regex compiles a regex of the configuration with Go's regexp (RE2):
// PCRE-only syntax such as look-arounds and back references is refused
// here, at -t, rather than failing later. caseless adds (?i), as nginx's
// ~* and server_name regexes are compiled.
func Regex(a parser.Arg, src string, caseless bool) (*regexp.Regexp, error) {
	expr := src
	if caseless {
		expr = "(?i)" + src
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		return nil, parser.Errorf(a.Pos, "invalid regex %q: %s", src, msg)
	}
	return re, nil
}
