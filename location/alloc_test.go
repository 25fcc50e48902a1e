package location

import (
	"testing"
)

// The hot path allocates nothing: one location match and one server
// selection per request.

func TestMatchAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	m := mustCompile(t, server(
		loc("/"),
		loc("= /exact"),
		loc("/api/", loc("/api/v1/"), loc("~ \\.json$")),
		loc("^~ /static/"),
		loc("~* \\.(png|jpg)$"),
		loc("~ ^/user/(\\d+)$", loc("~ 7$")),
	))
	tests := []struct {
		name, path, want string
	}{
		{"exact", "/exact", "= /exact"},
		{"prefix", "/other/thing", "/"},
		{"nested prefix", "/api/v1/users", "/api/v1/"},
		{"^~ prefix", "/static/a.png", "^~ /static/"},
		{"nested regex", "/api/x.json", "~ \\.json$"},
		{"case-insensitive regex", "/img/A.PNG", "~* \\.(png|jpg)$"},
		{"regex with a capture and a nested regex", "/user/77", "~ 7$"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := []byte(tc.path)
			if got := name(m.Match(p)); got != tc.want {
				t.Fatalf("Match(%q) = %q, want %q", tc.path, got, tc.want)
			}
			if n := testing.AllocsPerRun(200, func() { m.Match(p) }); n != 0 {
				t.Errorf("Match(%q) allocates %v times", tc.path, n)
			}
		})
	}
}

func TestSelectAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	r := mustRouter(t, append(namesConfig(), vhost("lo", []string{"127.0.0.1:80"}, "lo.test"))...)
	tests := []struct {
		name, host, want string
	}{
		{"exact", "example.com", "exact"},
		{"exact with port", "example.com:8080", "exact"},
		{"upper-case", "WWW.EXAMPLE.COM", "exact"},
		{"head wildcard", "a.b.example.com", "star"},
		{"tail wildcard", "www.example.co.uk", "tail"},
		{"regex", "api7.example.net", "regex-any"},
		{"upper-case regex", "API7.EXAMPLE.NET", "regex-any"},
		{"default", "nothing.test", "default"},
		{"empty", "", "noname"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := []byte(tc.host)
			if got := id(r.Select(0, wildcardIP, h)); got != tc.want {
				t.Fatalf("Select(%q) = %q, want %q", tc.host, got, tc.want)
			}
			if n := testing.AllocsPerRun(200, func() { r.Select(0, wildcardIP, h) }); n != 0 {
				t.Errorf("Select(%q) allocates %v times", tc.host, n)
			}
		})
	}
	t.Run("specific local address", func(t *testing.T) {
		h := []byte("lo.test")
		if n := testing.AllocsPerRun(200, func() { r.Select(0, loopback, h) }); n != 0 {
			t.Errorf("Select allocates %v times", n)
		}
	})
}
