package conf

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
