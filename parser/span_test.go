package parser

import (
	"strings"
	"testing"
)

// TestSpan checks that each directive's Span covers exactly its text, from
// its name to its ";" or "}", whatever surrounds it, and that Open is just
// after a block's "{".
func TestSpan(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // text of every directive, depth first
		open []string // text from Open to End of every block, depth first
	}{
		{"simple", "a b;", []string{"a b;"}, nil},
		{"spaces and comments around", "  # c\n a  b ; # d\n\n", []string{"a  b ;"}, nil},
		{"no newline at the end", "a;b c;", []string{"a;", "b c;"}, nil},
		{"quoted name and args", `"a" 'b c' "d;";`, []string{`"a" 'b c' "d;";`}, nil},
		{"block", "u x {\n  s 1; # one\n  s 2;\n}\n", []string{"u x {\n  s 1; # one\n  s 2;\n}", "s 1;", "s 2;"},
			[]string{"\n  s 1; # one\n  s 2;\n}"}},
		{"empty block", "events {}", []string{"events {}"}, []string{"}"}},
		{"brace after a comment", "l /a # c\n{ r; }", []string{"l /a # c\n{ r; }", "r;"}, []string{" r; }"}},
		{"nested", "h{s{l /{p x;}}}", []string{"h{s{l /{p x;}}}", "s{l /{p x;}}", "l /{p x;}", "p x;"},
			[]string{"s{l /{p x;}}}", "l /{p x;}}", "p x;}"}},
		{"CRLF and multi-byte", "é \"ü\";\r\nb;\r\n", []string{"é \"ü\";", "b;"}, nil},
		{"variable brace", "return 200 ${host};", []string{"return 200 ${host};"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, open []string
			var walk func([]*Directive)
			walk = func(ds []*Directive) {
				for _, d := range ds {
					got = append(got, tt.src[d.Span.Start:d.Span.End])
					if d.IsBlock() {
						open = append(open, tt.src[d.Span.Open:d.Span.End])
					} else if d.Span.Open != 0 {
						t.Errorf("%s: Open = %d without a block", d.Name, d.Span.Open)
					}
					walk(d.Block)
				}
			}
			walk(mustParse(t, "s.conf", []byte(tt.src)))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("spans %q, want %q", got, tt.want)
			}
			if strings.Join(open, "|") != strings.Join(tt.open, "|") {
				t.Errorf("blocks after Open %q, want %q", open, tt.open)
			}
		})
	}
}

// TestWord checks that Word writes what Print writes for a bare argument
// and that it parses back to the value.
func TestWord(t *testing.T) {
	for _, v := range []string{"on", "", "a b", "a;b", "a{2}", "#x", "}x", `"x`, "a\tb", `\d+`, `a\`, "$host", "${a}b", "é"} {
		w := Word(v)
		printed := string(mustPrint(t, []*Directive{{Name: "d", Args: []Arg{{Value: v}}}}))
		if printed != "d "+w+";\n" {
			t.Errorf("Word(%q) = %s, Print writes %q", v, w, printed)
		}
		back := mustParse(t, "w", []byte("d "+w+";"))
		if len(back[0].Args) != 1 || back[0].Args[0].Value != v {
			t.Errorf("Word(%q) = %s parses back as %v", v, w, back[0].Args)
		}
	}
}
