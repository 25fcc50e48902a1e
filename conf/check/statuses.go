package check

import (
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Statuses is a set of HTTP status classes, bit i-1 for ixx (1 for 1xx ...
// 16 for 5xx).
type Statuses uint8

// The classes of check_http_expect_alive, one bit each.
const (
	Status1xx Statuses = 1 << iota
	Status2xx
	Status3xx
	Status4xx
	Status5xx
)

// Has reports whether the class of code (code/100) is in the set.
func (s Statuses) Has(code int) bool {
	class := code / 100
	if class < 1 || class > 5 {
		return false
	}
	return s&(1<<(class-1)) != 0
}

// String returns the set as check_http_expect_alive writes it:
// "http_2xx http_3xx".
func (s Statuses) String() string {
	var words []string
	for i, w := range statusWords {
		if s&(1<<i) != 0 {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// statusWords are check_http_expect_alive's words, in bit order.
var statusWords = [...]string{"http_1xx", "http_2xx", "http_3xx", "http_4xx", "http_5xx"}

// parseStatuses reads the arguments of check_http_expect_alive. Like
// Tengine the words compare case-insensitively, and a word written twice
// is harmless (Tengine warns "duplicate value").
func parseStatuses(d *parser.Directive) (Statuses, error) {
	var s Statuses
	for _, a := range d.Args {
		i := statusWord(a.Value)
		if i < 0 {
			return 0, parser.Errorf(a.Pos, "invalid value %q", a.Value)
		}
		s |= 1 << i
	}
	return s, nil
}

// statusWord is the bit of an expect word, -1 for none.
func statusWord(v string) int {
	for i, w := range statusWords {
		if strings.EqualFold(v, w) {
			return i
		}
	}
	return -1
}
