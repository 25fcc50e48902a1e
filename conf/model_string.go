package conf

import "strings"

// String returns the modifier as written in a location ("" for a prefix).
func (m Modifier) String() string {
	switch m {
	case ModExact:
		return "="
	case ModPrefixStop:
		return "^~"
	case ModRegex:
		return "~"
	case ModRegexCI:
		return "~*"
	case ModNamed:
		return "@"
	}
	return ""
}

// String names the kind of a server_name.
func (k ServerNameKind) String() string {
	switch k {
	case NameWildPrefix:
		return "wildcard-prefix"
	case NameWildSuffix:
		return "wildcard-suffix"
	case NameRegex:
		return "regex"
	}
	return "exact"
}

// nextUpstreamNames are the proxy_next_upstream words in bit order.
var nextUpstreamNames = []string{"error", "timeout", "invalid_header", "http_500", "http_502",
	"http_503", "http_504", "http_403", "http_404", "http_429", "non_idempotent"}

// String writes the set as proxy_next_upstream's arguments: "off" when
// empty.
func (n NextUpstream) String() string {
	if n == 0 {
		return "off"
	}
	var words []string
	for i, w := range nextUpstreamNames {
		if n&(1<<i) != 0 {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}
