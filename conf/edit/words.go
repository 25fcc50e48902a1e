package edit

import (
	"errors"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// The model writes a directive's arguments as one string, each argument as
// parser.Word writes it (quoted when a bare word cannot carry it), joined
// by a space: "hash $request_uri consistent", `~ "^/a{2}$"`. Reading a
// string back splits it as the parser would, so any value survives.

// joinArgs writes args as the model shows them.
func joinArgs(args []parser.Arg) string {
	vs := make([]string, len(args))
	for i, a := range args {
		vs[i] = parser.Word(a.Value)
	}
	return strings.Join(vs, " ")
}

// values returns the values of args.
func values(args []parser.Arg) []string {
	vs := make([]string, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	return vs
}

// splitArgs reads s as a directive's arguments, the way the parser reads
// them; field names s in the error.
func splitArgs(field, s string) ([]string, error) {
	dirs, err := parser.Parse(field, []byte("x "+s+" ;"))
	if err != nil {
		msg := err.Error()
		var perr *parser.Error
		if errors.As(err, &perr) {
			msg = perr.Msg
		}
		return nil, invalid(field, `cannot be read as arguments (quote one that holds blanks, ";", "{" or a leading "#"): `+msg)
	}
	if len(dirs) != 1 || dirs[0].IsBlock() {
		return nil, invalid(field, `must be arguments only, without ";", "{" or "}"`)
	}
	return values(dirs[0].Args), nil
}

// line writes one simple directive.
func line(name string, args ...string) string { return head(name, args...) + ";" }

// head writes a directive's name and arguments.
func head(name string, args ...string) string {
	var b strings.Builder
	b.WriteString(name)
	for _, a := range args {
		b.WriteByte(' ')
		b.WriteString(parser.Word(a))
	}
	return b.String()
}

// block writes a block directive whose contents are the given lines (each
// possibly several lines itself), indented by one step.
func block(head string, lines []string) string {
	var b strings.Builder
	b.WriteString(head + " {\n")
	for _, l := range lines {
		b.WriteString(indentLines(l, step) + "\n")
	}
	b.WriteString("}")
	return b.String()
}

// key joins values into a comparison key: two directives with the same
// key say the same thing.
func key(vs ...string) string { return strings.Join(vs, "\x00") }

// wordOK checks that v is non-empty and holds nothing the API or a reader
// of the file would take for a separator.
func wordOK(field, v string) error {
	if v == "" {
		return invalid(field, "must not be empty")
	}
	if strings.ContainsAny(v, " \t\r\n;{}#\"'\\") {
		return invalid(field, `must be one word, without blanks or any of ; { } # " ' \`)
	}
	return nil
}
