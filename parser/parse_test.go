package parser

import (
	"errors"
	"reflect"
	"testing"
)

// TestParseArgs pins the value and quoting of single arguments: escapes,
// variables and the nginx quirks of bare words.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Arg // positions ignored
	}{
		{"bare word", `d abc;`, []Arg{{Value: "abc"}}},
		{"double quoted keeps spaces", `d "a b";`, []Arg{{Value: "a b", Quote: Double}}},
		{"single quoted keeps spaces", `d 'a b';`, []Arg{{Value: "a b", Quote: Single}}},
		{"empty strings", `d "" '';`, []Arg{{Value: "", Quote: Double}, {Value: "", Quote: Single}}},
		{"escaped double quote", `d "a\"b";`, []Arg{{Value: `a"b`, Quote: Double}}},
		{"escaped single quote", `d 'a\'b';`, []Arg{{Value: "a'b", Quote: Single}}},
		{"escaped backslash", `d "a\\b";`, []Arg{{Value: `a\b`, Quote: Double}}},
		{"tab newline and CR escapes", `d "\t\n\r";`, []Arg{{Value: "\t\n\r", Quote: Double}}},
		{"unknown escape keeps backslash", `d "\d+\.";`, []Arg{{Value: `\d+\.`, Quote: Double}}},
		{"escapes in bare words", `d a\"b\tc;`, []Arg{{Value: "a\"b\tc"}}},
		{"escaped space stays in bare word", `d a\ b;`, []Arg{{Value: `a\ b`}}},
		{"quote inside bare word is literal", `d a"b"c;`, []Arg{{Value: `a"b"c`}}},
		{"hash inside bare word is literal", `d a#b;`, []Arg{{Value: "a#b"}}},
		{"close brace inside bare word is literal", `d a}b;`, []Arg{{Value: "a}b"}}},
		{"quoted terminators", `d ";" "{" "}" "#";`, []Arg{
			{Value: ";", Quote: Double}, {Value: "{", Quote: Double},
			{Value: "}", Quote: Double}, {Value: "#", Quote: Double}}},
		{"quoted newline", "d \"a\nb\";", []Arg{{Value: "a\nb", Quote: Double}}},
		{"variable", `d $host;`, []Arg{{Value: "$host"}}},
		{"braced variable glued to text", `d ${host}x;`, []Arg{{Value: "${host}x"}}},
		{"braced variable inside word", `d a${b}c;`, []Arg{{Value: "a${b}c"}}},
		{"escaped dollar does not open a variable", `d \$x;`, []Arg{{Value: `\$x`}}},
		{"glued exact location", `location =/x;`, []Arg{{Value: "=/x"}}},
		{"glued regex location", `location ~\.php$;`, []Arg{{Value: `~\.php$`}}},
		{"quoted regex with braces", `location ~ "^/a{2,3}$";`, []Arg{{Value: "~"}, {Value: "^/a{2,3}$", Quote: Double}}},
		{"paren may follow a closing quote", `if ($a = "x");`, []Arg{
			{Value: "($a"}, {Value: "="}, {Value: "x", Quote: Double}, {Value: ")"}}},
		{"unicode", `d "héllo" ✓;`, []Arg{{Value: "héllo", Quote: Double}, {Value: "✓"}}},
		{"no arguments", `d;`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs := mustParse(t, "t.conf", []byte(tt.src))
			if len(dirs) != 1 {
				t.Fatalf("got %d directives, want 1", len(dirs))
			}
			got := dirs[0].Args
			for i := range got {
				got[i].Pos = Pos{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("args = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestParseVariableBraceIsNotABlock checks nginx's rule that "{" right after
// "$" belongs to the word, while "{" elsewhere starts a block.
func TestParseVariableBraceIsNotABlock(t *testing.T) {
	dirs := mustParse(t, "t.conf", []byte("return 200 ${host};\nlocation /a{ return 204; }\n"))
	if len(dirs) != 2 || dirs[0].IsBlock() || !dirs[1].IsBlock() {
		t.Fatalf("unexpected tree:\n%s", dumpTree(dirs))
	}
	if got := dirs[1].Args[0].Value; got != "/a" {
		t.Errorf("location arg = %q, want /a (a bare { ends the word)", got)
	}
}

// TestParsePositions checks 1-based lines and byte columns, including after
// multi-byte characters, tabs, CRLF line ends and multi-line strings.
func TestParsePositions(t *testing.T) {
	src := "a \"x\ny\" b;\r\n\tc\t d;\n# c\né é;\n"
	dirs := mustParse(t, "p.conf", []byte(src))
	want := []struct {
		line, col int
	}{
		{1, 1}, {1, 3}, {2, 4}, // a "x\ny" b
		{3, 2}, {3, 5}, // \tc\t d
		{5, 1}, {5, 4}, // é é (é is two bytes)
	}
	var got []Pos
	for _, d := range dirs {
		got = append(got, d.Pos)
		for _, a := range d.Args {
			got = append(got, a.Pos)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d positions, want %d:\n%s", len(got), len(want), dumpTree(dirs))
	}
	for i, w := range want {
		if got[i].File != "p.conf" || got[i].Line != w.line || got[i].Col != w.col {
			t.Errorf("position %d = %s, want p.conf:%d:%d", i, got[i], w.line, w.col)
		}
	}
}

// TestParseErrors pins nginx's wording and the position of syntax errors.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"stray close brace", "a;\n}", `unexpected "}" in e.conf:2:1`},
		{"close brace after arguments", "a b }", `unexpected "}" in e.conf:1:5`},
		{"open brace without name", "{ a; }", `unexpected "{" in e.conf:1:1`},
		{"semicolon without name", "a { ; }", `unexpected ";" in e.conf:1:5`},
		{"end of file after arguments", "a b", `unexpected end of file, expecting ";" or "}" in e.conf:1:4`},
		{"end of file after name", "a {\n  b", `unexpected end of file, expecting ";" or "}" in e.conf:2:4`},
		{"end of file after a name that follows a directive", "a { b; c", `unexpected end of file, expecting ";" or "}" in e.conf:1:9`},
		{"close brace after a name that follows a directive", "a { b; c }", `unexpected "}" in e.conf:1:10`},
		{"end of file in block", "a {\n  b;\n", `unexpected end of file, expecting "}" in e.conf:3:1`},
		{"end of file in nested block", "a { b { c; }", `unexpected end of file, expecting "}" in e.conf:1:13`},
		{"unterminated double quote", "a \"b;\n", `unexpected end of file, expecting ";" or "}" in e.conf:2:1`},
		{"unterminated single quote", "a 'b;", `unexpected end of file, expecting ";" or "}" in e.conf:1:6`},
		{"escaped closing quote", `a "b\";`, `unexpected end of file, expecting ";" or "}" in e.conf:1:8`},
		{"backslash at end of file", `a b\`, `unexpected end of file, expecting ";" or "}" in e.conf:1:5`},
		{"character glued to closing quote", `a "b"c;`, `unexpected "c" in e.conf:1:6`},
		{"quote glued to closing quote", `a "b""c";`, `unexpected """ in e.conf:1:6`},
		{"unicode glued to closing quote", `a 'b'é;`, `unexpected "é" in e.conf:1:6`},
		{"brace glued to closing quote", `a { b "c"}`, `unexpected "}" in e.conf:1:10`},
		{"earlier error wins over unterminated quote", "}\na \"b", `unexpected "}" in e.conf:1:1`},
		{"crlf line counting", "a;\r\nb }\r\n", `unexpected "}" in e.conf:2:3`},
		{"bare regex brace opens a block", "location ~ ^/a{2}$ { }", `unexpected end of file, expecting "}" in e.conf:1:23`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("e.conf", []byte(tt.src))
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error = %v (%T), want *Error", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err.Error(), tt.want)
			}
		})
	}
}

// TestParseEmpty checks inputs with no directives.
func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment", "  \t\r\n# c\n"} {
		dirs, err := Parse("e.conf", []byte(src))
		if err != nil || len(dirs) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no directives", src, dirs, err)
		}
	}
}

func TestErrorWithoutPositionIsJustTheMessage(t *testing.T) {
	err := &Error{Msg: `open() "/x" failed`}
	if got := err.Error(); got != `open() "/x" failed` {
		t.Errorf("Error() = %q", got)
	}
}
