package conf

import "sort"

// DirectiveNames returns the name of every directive gw knows, sorted, for
// gw -V (nginx lists its modules there; gw's directive table is the closer
// truth about what a configuration may say).
func DirectiveNames() []string {
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
