package vars

import (
	"errors"
	"fmt"
	"strings"
)

// errInvalidName is nginx's message for a "$" that starts no name: at the end
// of the argument, before a character that cannot be in a name, or "${}".
var errInvalidName = errors.New("invalid variable name")

// Parse splits an argument into literal text and variables, following the
// rules of nginx's script compiler: "$name" takes the longest run of ASCII
// letters, digits and "_"; "${name}" delimits the name from text that
// follows; "$1" to "$9" are regex captures and take exactly one digit, so
// "$10" is capture 1 followed by "0". Every "$" must start a variable: nginx
// has no escape for a literal dollar sign, and neither has gw.
//
// Variable names are case-insensitive, as in nginx. Each variable is resolved
// here to its getter; errors use nginx's words (`unknown "name" variable`,
// `invalid variable name`, `the closing bracket in "name" variable is
// missing`) and leave the position to the caller.
func Parse(s string) (*Template, error) {
	return ParseCapturing(s, nil)
}

// ParseCapturing is Parse for a configuration whose regexes have the named
// groups captures (lower-cased): "$name" of one of them that names no other
// variable reads that group of the regex the request matched, as nginx's
// named captures do.
func ParseCapturing(s string, captures []string) (*Template, error) {
	return parse(s, &Scope{captures: captures})
}

// parse is Parse within sc: a variable sc defines wins over a prefix
// family of the same name, then the catalogue, then sc's named captures.
func parse(s string, sc *Scope) (*Template, error) {
	t := &Template{src: s}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			t.parts = append(t.parts, part{lit: s[i:]})
			break
		}
		if j > 0 {
			t.parts = append(t.parts, part{lit: s[i : i+j]})
		}
		name, next, err := scanName(s, i+j)
		if err != nil {
			return nil, err
		}
		p, err := resolveIn(name, sc)
		if err != nil {
			return nil, err
		}
		t.parts = append(t.parts, p)
		t.vars++
		i = next
	}
	return t, nil
}

// resolveIn binds name within sc.
func resolveIn(name string, sc *Scope) (part, error) {
	if v := sc.Lookup(name); v != nil {
		return part{name: v.name, get: getDefined, def: v}, nil
	}
	p, err := resolve(name)
	if err != nil && sc != nil {
		return resolveCapture(name, sc.captures)
	}
	return p, err
}

// MustParse is Parse for templates written in Go source, such as gw's
// defaults; it panics on error.
func MustParse(s string) *Template {
	t, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("vars: %q: %v", s, err))
	}
	return t
}

// scanName reads the variable that starts at s[dollar] == '$' and returns
// its name (without "$" and braces) and the index just past it.
func scanName(s string, dollar int) (name string, next int, err error) {
	i := dollar + 1
	if i == len(s) {
		return "", 0, errInvalidName
	}
	if c := s[i]; c >= '1' && c <= '9' {
		return s[i : i+1], i + 1, nil
	}
	bracket := s[i] == '{'
	if bracket {
		i++
		if i == len(s) {
			return "", 0, errInvalidName
		}
	}
	start := i
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	name = s[start:i]
	if bracket {
		if i == len(s) || s[i] != '}' {
			return "", 0, fmt.Errorf("the closing bracket in %q variable is missing", name)
		}
		i++
	}
	if name == "" {
		return "", 0, errInvalidName
	}
	return name, i, nil
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// Known reports whether name (without "$") is a variable gw can evaluate.
func Known(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isNameChar(name[i]) {
			return false
		}
	}
	_, err := resolve(name)
	return err == nil
}
