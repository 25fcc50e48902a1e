package edit

import (
	"errors"
	"reflect"
	"testing"
)

// siteConf has two server blocks: the first with server_name on two lines,
// nested locations, a location from an include and quoted arguments.
var siteConf = map[string]string{
	"gw.conf": lines(
		"events {}",
		"http {",
		"    upstream app { server 127.0.0.1:9001; session_sticky; }",
		"",
		"    server {",
		"        listen 127.0.0.1:8080;",
		"        listen 127.0.0.1:8443 ssl; # tls",
		"        server_name example.com www.example.com;",
		"        server_name \"~^(?<sub>.+)\\.example\\.com$\";",
		"        add_header X-Site main;",
		"",
		"        location / {",
		"            session_sticky_header upstream=app;",
		"            proxy_set_header Host $host;",
		"            proxy_pass http://app;",
		"",
		"            location /nested/ {",
		"                proxy_pass http://app/n/;",
		"            }",
		"        }",
		"",
		"        location ~ \"^/a{2}$\" { return 204; }",
		"        include locations.conf;",
		"    }",
		"",
		"    server {",
		"        listen 8081;",
		"    }",
		"}",
	),
	"locations.conf": lines(
		"location @fallback {",
		"    proxy_pass http://app;",
		"}",
	),
}

func TestServerBlocksRead(t *testing.T) {
	f, _ := setup(t, siteConf)
	got, err := f.ServerBlocks()
	if err != nil {
		t.Fatal(err)
	}
	want := []ServerBlock{
		{Index: 0, Listen: []string{"127.0.0.1:8080", "127.0.0.1:8443 ssl"},
			ServerName: []string{"example.com", "www.example.com", `~^(?<sub>.+)\.example\.com$`},
			Locations: []Location{
				{Index: 0, Match: "/", ProxyPass: "http://app", SessionStickyHeader: "upstream=app"},
				{Index: 1, Match: `~ "^/a{2}$"`},
				{Index: 2, Match: "@fallback", ProxyPass: "http://app"},
			}},
		{Index: 1, Listen: []string{"8081"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ServerBlocks =\n%+v\nwant\n%+v", got, want)
	}
	if b, err := f.ServerBlock(1); err != nil || !reflect.DeepEqual(b, want[1]) {
		t.Errorf("ServerBlock(1) = %+v, %v", b, err)
	}
	if _, err := f.ServerBlock(2); !errors.Is(err, ErrNotFound) {
		t.Errorf("ServerBlock(2) = %v, want ErrNotFound", err)
	}
	if _, err := f.Locations(-1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Locations(-1) = %v, want ErrNotFound", err)
	}
}

func TestServerBlockAndLocationEdits(t *testing.T) {
	conf := siteConf["gw.conf"]
	tests := []struct {
		name string
		edit func(f *Files) error
		want map[string]string
	}{
		{"server block unchanged", func(f *Files) error {
			b, _ := f.ServerBlock(0)
			b.Locations = nil // ignored anyway
			return f.ReplaceServerBlock(0, b)
		}, nil},
		{"listen removed, server_name rewritten on its first line", func(f *Files) error {
			return f.ReplaceServerBlock(0, ServerBlock{Listen: []string{"127.0.0.1:8080"}, ServerName: []string{"example.org"}})
		}, map[string]string{"gw.conf": replaceLines(conf,
			"        listen 127.0.0.1:8443 ssl; # tls", "",
			"        server_name example.com www.example.com;", "        server_name example.org;",
			"        server_name \"~^(?<sub>.+)\\.example\\.com$\";", "")}},
		{"server_name added after listen", func(f *Files) error {
			return f.ReplaceServerBlock(1, ServerBlock{Listen: []string{"8081", "[::]:8081"}, ServerName: []string{"b"}})
		}, map[string]string{"gw.conf": replaceLines(conf,
			"        listen 8081;", "        listen 8081;\n        listen [::]:8081;\n        server_name b;")}},
		{"location header and proxy_pass changed, nested kept", func(f *Files) error {
			return f.ReplaceLocation(0, 0, Location{Match: "^~ /", ProxyPass: "http://app/v2/", SessionStickyHeader: "upstream=app"})
		}, map[string]string{"gw.conf": replaceLines(conf,
			"        location / {", "        location ^~ / {",
			"            proxy_pass http://app;", "            proxy_pass http://app/v2/;")}},
		{"session_sticky_header removed, proxy_pass added in a one-line location", func(f *Files) error {
			if err := f.ReplaceLocation(0, 0, Location{Match: "/", ProxyPass: "http://app"}); err != nil {
				return err
			}
			return f.ReplaceLocation(0, 1, Location{Match: `~ ^/a\d$`, ProxyPass: "http://app"})
		}, map[string]string{"gw.conf": replaceLines(conf,
			"            session_sticky_header upstream=app;", "",
			"        location ~ \"^/a{2}$\" { return 204; }", "        location ~ ^/a\\d$ { proxy_pass http://app; return 204; }")}},
		{"location in an include edited there", func(f *Files) error {
			return f.ReplaceLocation(0, 2, Location{Match: "@fallback", ProxyPass: "http://127.0.0.1:9002", SessionStickyHeader: "upstream=app switch=off"})
		}, map[string]string{"locations.conf": lines(
			"location @fallback {",
			"    session_sticky_header upstream=app switch=off;",
			"    proxy_pass http://127.0.0.1:9002;",
			"}")}},
		{"location added at the end of its server block", func(f *Files) error {
			i, err := f.AddLocation(1, Location{Match: "= /health", ProxyPass: "http://app/ok ?"})
			if i != 0 {
				t.Errorf("index = %d, want 0", i)
			}
			return err
		}, map[string]string{"gw.conf": replaceLines(conf,
			"        listen 8081;", "        listen 8081;\n\n        location = /health {\n            proxy_pass \"http://app/ok ?\";\n        }")}},
		{"location deleted with its nested ones", func(f *Files) error {
			return f.DeleteLocation(0, 0)
		}, map[string]string{"gw.conf": replaceLines(conf, lines(
			"        location / {",
			"            session_sticky_header upstream=app;",
			"            proxy_set_header Host $host;",
			"            proxy_pass http://app;",
			"",
			"            location /nested/ {",
			"                proxy_pass http://app/n/;",
			"            }",
			"        }",
		), "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := setup(t, siteConf)
			if err := tt.edit(f); err != nil {
				t.Fatal(err)
			}
			checkTexts(t, f, dir, siteConf, tt.want)
		})
	}
}

func TestLocationInvalid(t *testing.T) {
	f, dir := setup(t, siteConf)
	for _, m := range []string{"", "=", "~ a b", "/a {", "x /a", `"unterminated`} {
		var inv *Invalid
		if _, err := f.AddLocation(0, Location{Match: m}); !errors.As(err, &inv) || inv.Field != "match" {
			t.Errorf("AddLocation(match %q) = %v, want Invalid match", m, err)
		}
	}
	var inv *Invalid
	_, err := f.AddServerBlock(ServerBlock{Listen: []string{"80"}, Locations: []Location{{Match: "/"}, {Match: "~"}}})
	if !errors.As(err, &inv) || inv.Field != "locations[1].match" {
		t.Errorf("AddServerBlock with a bad location = %v, want Invalid locations[1].match", err)
	}
	if err := f.ReplaceServerBlock(0, ServerBlock{Listen: []string{""}}); !errors.As(err, &inv) || inv.Field != "listen[0]" {
		t.Errorf("ReplaceServerBlock with an empty listen = %v, want Invalid listen[0]", err)
	}
	if err := f.ReplaceLocation(0, 3, Location{Match: "/"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("ReplaceLocation(0, 3) = %v, want ErrNotFound", err)
	}
	checkTexts(t, f, dir, siteConf, nil)
}
