package sticky

import "testing"

func TestAppendPrivate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"absent", "", "private"},
		{"blank", "  ", "private"},
		{"already private", "private", "private"},
		{"public replaced", "public", "private"},
		{"public removed, others kept in order", "max-age=60, public, must-revalidate", "max-age=60, must-revalidate, private"},
		{"case-insensitive public", "PUBLIC, max-age=1", "max-age=1, private"},
		{"field-qualified private becomes bare", `private="Set-Cookie", max-age=5`, "max-age=5, private"},
		{"quoted comma is not a separator", `no-cache="Set-Cookie, X", public`, `no-cache="Set-Cookie, X", private`},
		{"escaped quote in quoted string", `ext="a\", public", public`, `ext="a\", public", private`},
		{"empty directives dropped", ",,no-store,, ,", "no-store, private"},
		{"public prefix of another word kept", "publicity=1", "publicity=1, private"},
		{"s-maxage kept", "s-maxage=600", "s-maxage=600, private"},
		{"unterminated quote dropped", `max-age=1, x="a, public`, "max-age=1, private"},
		{"lone quote dropped", `"`, "private"},
		{"trailing backslash in quotes dropped", `x="a\`, "private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendPrivate([]byte(">"), []byte(tt.in))
			if string(got) != ">"+tt.want {
				t.Errorf("AppendPrivate(%q) = %q, want %q", tt.in, got[1:], tt.want)
			}
		})
	}
}
