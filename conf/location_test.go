package conf

import "testing"

// TestDuplicateLocation covers ngx_http_join_exact_locations' rule, which
// conf alone applies: one block may not hold two prefix locations (`/x` and
// `^~ /x` are the same prefix) or two exact ones with the same pattern; the
// error names the second.
func TestDuplicateLocation(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"two prefix locations",
			"server { location /x { } »location /x { } }", `duplicate location "/x"`},
		{"prefix and ^~ with the same pattern",
			"server { location / { } location /x { } »location ^~ /x { } }", `duplicate location "/x"`},
		{"two exact locations",
			"server { location = /x { } location /x { } »location = /x { } }", `duplicate location "/x"`},
		{"an exact location glued and spaced",
			"server { location = /x { } »location =/x { } }", `duplicate location "/x"`},
		{"duplicates in a nested block",
			"server { location /a { location /a/b { } »location /a/b { } } }", `duplicate location "/a/b"`},

		{"exact and prefix may share a pattern",
			"server { location /x { } location = /x { } }", ""},
		{"the same prefix at two levels",
			"server { location /a { location /a { } } }", ""},
		{"the same prefix in two servers",
			"server { location /a { } }\nserver { listen 8080; location /a { } }", ""},
		{"two identical regexes",
			"server { location ~ x { } location ~ x { } }", ""},
	})
}
