package edit

import (
	"errors"
	"testing"
)

// TestLayouts pins where new and removed directives land in texts laid
// out in unusual ways: one-line blocks, empty blocks, no final newline,
// tabs, comments after "{".
func TestLayouts(t *testing.T) {
	tests := []struct {
		name       string
		main, want string
		edit       func(f *Files) error
	}{
		{"first upstream goes first in the http block",
			"events {}\nhttp {\n    server { listen 80; }\n}\n",
			"events {}\nhttp {\n    upstream a {\n        server x:1;\n    }\n\n    server { listen 80; }\n}\n",
			func(f *Files) error { return f.AddUpstream(Upstream{Name: "a", Servers: []Server{{Address: "x:1"}}}) }},
		{"upstream into an empty http block",
			"events {}\nhttp {}",
			"events {}\nhttp {\n    upstream a {\n        server x:1;\n    }\n}",
			func(f *Files) error { return f.AddUpstream(Upstream{Name: "a", Servers: []Server{{Address: "x:1"}}}) }},
		{"upstream after the last one, tab indented, no final newline",
			"events {}\nhttp {\n\tupstream a { server x:1; }\n\tserver { listen 80; }\n}",
			"events {}\nhttp {\n\tupstream a { server x:1; }\n\n\tupstream b {\n\t    server y:1;\n\t}\n\tserver { listen 80; }\n}",
			func(f *Files) error { return f.AddUpstream(Upstream{Name: "b", Servers: []Server{{Address: "y:1"}}}) }},
		{"server into a one-line upstream",
			"events {}\nhttp { upstream a { server x:1; } }\n",
			"events {}\nhttp { upstream a { server x:1; server y:1; } }\n",
			func(f *Files) error { _, err := f.AddServer("a", Server{Address: "y:1"}); return err }},
		{"directive removed from a shared line",
			"events {}\nhttp { upstream a { server x:1; server y:1; } }\n",
			"events {}\nhttp { upstream a { server y:1; } }\n",
			func(f *Files) error { return f.DeleteServer("a", "x:1") }},
		{"new kind after a comment that ends the brace's line",
			"events {}\nhttp {\n    upstream a { # pool\n        server x:1;\n    }\n}\n",
			"events {}\nhttp {\n    upstream a { # pool\n        least_conn;\n        server x:1;\n    }\n}\n",
			func(f *Files) error {
				return f.ReplaceUpstream("a", Upstream{Balancer: "least_conn", Servers: []Server{{Address: "x:1"}}})
			}},
		{"kinds new to a block follow the order of a new block",
			"events {}\nhttp {\n    upstream a {\n        server x:1;\n        queue 10;\n    }\n}\n",
			"events {}\nhttp {\n    upstream a {\n        server x:1;\n        session_sticky;\n        keepalive 2;\n        queue 10;\n    }\n}\n",
			func(f *Files) error {
				return f.ReplaceUpstream("a", Upstream{Sticky: true, Keepalive: 2, Servers: []Server{{Address: "x:1"}}})
			}},
		{"server block at the end of a one-line http block",
			"events {}\nhttp { upstream a { server x:1; } }",
			"events {}\nhttp { upstream a { server x:1; }\n\n    server {\n        listen 80;\n    }\n}",
			func(f *Files) error { _, err := f.AddServerBlock(ServerBlock{Listen: []string{"80"}}); return err }},
		{"deleted block takes its lines, comments above stay",
			"events {}\nhttp {\n    # old\n    server {\n        listen 80;\n    } # end\n    server { listen 81; }\n}\n",
			"events {}\nhttp {\n    # old\n    server { listen 81; }\n}\n",
			func(f *Files) error { return f.DeleteServerBlock(0) }},
		{"CRLF lines keep their CR",
			"events {}\r\nhttp {\r\n    upstream a {\r\n        server x:1;\r\n    }\r\n}\r\n",
			"events {}\r\nhttp {\r\n    upstream a {\r\n        server x:2;\r\n    }\r\n}\r\n",
			func(f *Files) error { return f.ReplaceServer("a", "x:1", Server{Address: "x:2"}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := setup(t, map[string]string{"gw.conf": tt.main})
			if err := tt.edit(f); err != nil {
				t.Fatal(err)
			}
			checkTexts(t, f, dir, nil, map[string]string{"gw.conf": tt.want})
		})
	}
}

func TestUpstreamAddDelete(t *testing.T) {
	f, dir := setup(t, upstreamConf)
	if err := f.AddUpstream(Upstream{Name: "APP", Servers: []Server{{Address: "x"}}}); !errors.Is(err, ErrExists) {
		t.Errorf("AddUpstream(APP) = %v, want ErrExists", err)
	}
	var inv *Invalid
	for _, u := range []Upstream{
		{Name: ""}, {Name: "a b"}, {Name: "a/b"},
		{Name: "x", Balancer: "round_robin"},
		{Name: "x", Balancer: "hash {"},
		{Name: "x", Keepalive: -1},
		{Name: "x", Servers: []Server{{Address: "a"}, {}}},
	} {
		if err := f.AddUpstream(u); !errors.As(err, &inv) {
			t.Errorf("AddUpstream(%+v) = %v, want Invalid", u, err)
		}
	}
	if err := f.ReplaceUpstream("app", Upstream{Name: "other"}); !errors.As(err, &inv) || inv.Field != "name" {
		t.Errorf("ReplaceUpstream renaming = %v, want Invalid name", err)
	}
	if err := f.DeleteUpstream("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteUpstream(nope) = %v, want ErrNotFound", err)
	}
	checkTexts(t, f, dir, upstreamConf, nil)

	if err := f.DeleteUpstream("api"); err != nil {
		t.Fatal(err)
	}
	if err := f.AddUpstream(Upstream{Name: "b", Balancer: `hash "$a $b"`, Servers: []Server{{Address: "[::1]:80", MaxFails: new(int)}}}); err != nil {
		t.Fatal(err)
	}
	checkTexts(t, f, dir, upstreamConf, map[string]string{
		"upstreams/api.conf": "# api servers\n",
		"gw.conf": replaceLines(upstreamConf["gw.conf"], "        keepalive 16;\n    }",
			"        keepalive 16;\n    }\n\n    upstream b {\n        hash \"$a $b\";\n        server [::1]:80 max_fails=0;\n    }"),
	})
}
