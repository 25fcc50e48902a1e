package proxyreq

import (
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// NextUpstream is the set of proxy_next_upstream conditions.
type NextUpstream uint16

// The proxy_next_upstream conditions, in the order of nextWords. An empty
// set is "off".
const (
	NextError NextUpstream = 1 << iota
	NextTimeout
	NextInvalidHeader
	NextHTTP500
	NextHTTP502
	NextHTTP503
	NextHTTP504
	NextHTTP403
	NextHTTP404
	NextHTTP429
	NextNonIdempotent
)

// nextWords are the conditions' words, bit i naming 1<<i.
var nextWords = []string{"error", "timeout", "invalid_header", "http_500", "http_502",
	"http_503", "http_504", "http_403", "http_404", "http_429", "non_idempotent"}

// Has reports whether every condition of c is in the set.
func (n NextUpstream) Has(c NextUpstream) bool { return n&c == c }

// String writes the set as proxy_next_upstream's arguments: "off" when
// empty.
func (n NextUpstream) String() string {
	if n == 0 {
		return "off"
	}
	var words []string
	for i, w := range nextWords {
		if n&(1<<i) != 0 {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// ParseNextUpstream reads proxy_next_upstream's arguments; "off" must
// stand alone, since "off" beside a condition contradicts it.
func ParseNextUpstream(d *parser.Directive) (NextUpstream, error) {
	var set NextUpstream
	for _, a := range d.Args {
		if a.Value == "off" && len(d.Args) == 1 {
			break
		}
		i := 0
		for i < len(nextWords) && nextWords[i] != a.Value {
			i++
		}
		if i == len(nextWords) {
			return 0, parser.Errorf(a.Pos, "invalid value %q", a.Value)
		}
		set |= 1 << i
	}
	return set, nil
}
