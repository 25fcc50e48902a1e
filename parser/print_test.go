package parser

import (
	"errors"
	"strings"
	"testing"
)

// TestPrintArg pins how one argument is written and checks that parsing
// the output gives the value back.
func TestPrintArg(t *testing.T) {
	tests := []struct {
		name     string
		arg      Arg
		want     string
		wantBack Quote // quoting after print+parse
	}{
		{"plain bare word", Arg{Value: "on"}, `on`, Bare},
		{"empty bare value is quoted", Arg{Value: ""}, `""`, Double},
		{"space forces quotes", Arg{Value: "a b"}, `"a b"`, Double},
		{"semicolon forces quotes", Arg{Value: "a;b"}, `"a;b"`, Double},
		{"open brace forces quotes", Arg{Value: "a{2}"}, `"a{2}"`, Double},
		{"leading hash forces quotes", Arg{Value: "#x"}, `"#x"`, Double},
		{"leading close brace forces quotes", Arg{Value: "}x"}, `"}x"`, Double},
		{"inner hash and close brace stay bare", Arg{Value: "a#b}"}, `a#b}`, Bare},
		{"braced variable stays bare", Arg{Value: "${host}x"}, `${host}x`, Bare},
		{"brace run after dollar stays bare", Arg{Value: "${{x"}, `${{x`, Bare},
		{"brace after escaped dollar forces quotes", Arg{Value: `\${x}`}, `"\${x}"`, Double},
		{"leading double quote is escaped", Arg{Value: `"x`}, `\"x`, Bare},
		{"leading single quote is escaped", Arg{Value: `'x`}, `\'x`, Bare},
		{"inner quote stays literal", Arg{Value: `a"b`}, `a"b`, Bare},
		{"tab and newline are escaped", Arg{Value: "a\tb\nc\r"}, `a\tb\nc\r`, Bare},
		{"regex backslash stays single", Arg{Value: `\d+\.php$`}, `\d+\.php$`, Bare},
		{"backslash before escape letter is doubled", Arg{Value: `a\n`}, `a\\n`, Bare},
		{"trailing backslash is doubled", Arg{Value: `a\`}, `a\\`, Bare},
		{"backslash space pair stays bare", Arg{Value: `a\ b`}, `a\ b`, Bare},
		{"double quoted keeps its quotes", Arg{Value: "on", Quote: Double}, `"on"`, Double},
		{"single quoted keeps its quotes", Arg{Value: "on", Quote: Single}, `'on'`, Single},
		{"double quote escaped in double quotes", Arg{Value: `say "hi"`, Quote: Double}, `"say \"hi\""`, Double},
		{"double quote literal in single quotes", Arg{Value: `say "hi"`, Quote: Single}, `'say "hi"'`, Single},
		{"single quote escaped in single quotes", Arg{Value: `it's`, Quote: Single}, `'it\'s'`, Single},
		{"trailing backslash in quotes", Arg{Value: `a\`, Quote: Double}, `"a\\"`, Double},
		{"unknown quote kind is treated as bare", Arg{Value: "x", Quote: Quote('x')}, `x`, Bare},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := []*Directive{{Name: "d", Args: []Arg{tt.arg}}}
			out := string(mustPrint(t, tree))
			if want := "d " + tt.want + ";\n"; out != want {
				t.Fatalf("Print = %q, want %q", out, want)
			}
			back := mustParse(t, "printed", []byte(out))
			got := back[0].Args[0]
			if got.Value != tt.arg.Value || got.Quote != tt.wantBack {
				t.Errorf("parsed back as %s, want %s", showArg(got), showArg(Arg{Value: tt.arg.Value, Quote: tt.wantBack}))
			}
		})
	}
}

// TestPrintLayout pins the indentation and block layout.
func TestPrintLayout(t *testing.T) {
	tree := []*Directive{
		{Name: "events", Block: []*Directive{}},
		{Name: "http", Block: []*Directive{
			{Name: "server", Block: []*Directive{
				{Name: "listen", Args: []Arg{{Value: "80"}}},
				{Name: "location", Args: []Arg{{Value: "/"}}, Block: []*Directive{
					{Name: "return", Args: []Arg{{Value: "200"}, {Value: "ok", Quote: Single}}},
				}},
			}},
		}},
		{Name: "a b"},
	}
	want := strings.Join([]string{
		"events {",
		"}",
		"http {",
		"    server {",
		"        listen 80;",
		"        location / {",
		"            return 200 'ok';",
		"        }",
		"    }",
		"}",
		`"a b";`,
		"",
	}, "\n")
	if got := string(mustPrint(t, tree)); got != want {
		t.Errorf("Print =\n%s\nwant\n%s", got, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestPrintReportsWriteErrors(t *testing.T) {
	err := Print(failingWriter{}, []*Directive{{Name: "a"}})
	if err == nil || err.Error() != "disk full" {
		t.Errorf("Print error = %v, want disk full", err)
	}
}
