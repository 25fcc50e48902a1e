package edit

import (
	"errors"
	"reflect"
	"testing"
)

// upstreamConf is a configuration whose upstreams carry comments, blank
// lines, unmanaged directives, odd quoting and an include.
var upstreamConf = map[string]string{
	"gw.conf": lines(
		"events {}",
		"",
		"http {",
		"    # the application",
		"    upstream app {",
		"        least_conn;",
		"        server 127.0.0.1:9001 weight=2; # primary",
		"        server 127.0.0.1:9002 backup   max_fails=0;",
		"",
		"        keepalive_timeout 30s;",
		"        session_sticky cookie=route 'option=indirect';",
		"        keepalive 16;",
		"    }",
		"",
		"    include upstreams/*.conf;",
		"",
		"    server {",
		"        listen 127.0.0.1:8080;",
		"        location / { proxy_pass http://app; }",
		"    }",
		"}",
	),
	"upstreams/api.conf": lines(
		"# api servers",
		"upstream api {",
		"\tserver 10.0.0.1:80 id=a;",
		"\tserver 10.0.0.2:80 id=b;",
		"}",
	),
}

func TestUpstreamRead(t *testing.T) {
	f, _ := setup(t, upstreamConf)
	got, err := f.Upstreams()
	if err != nil {
		t.Fatal(err)
	}
	zero := 0
	want := []Upstream{
		{Name: "app", Balancer: "least_conn", Sticky: true, SessionSticky: "cookie=route option=indirect", Keepalive: 16,
			Servers: []Server{
				{ID: "127.0.0.1:9001", Address: "127.0.0.1:9001", Weight: 2},
				{ID: "127.0.0.1:9002", Address: "127.0.0.1:9002", Backup: true, MaxFails: &zero},
			}},
		{Name: "api", Servers: []Server{
			{ID: "a", Address: "10.0.0.1:80", Params: []string{"id=a"}},
			{ID: "b", Address: "10.0.0.2:80", Params: []string{"id=b"}},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Upstreams =\n%+v\nwant\n%+v", got, want)
	}
	if _, err := f.Upstream("APP"); err != nil {
		t.Errorf("Upstream(APP): %v, want the upstream (names compare case-insensitively)", err)
	}
	if _, err := f.Upstream("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Upstream(nope) = %v, want ErrNotFound", err)
	}
}

func TestReplaceUpstream(t *testing.T) {
	zero := 0
	app := Upstream{Name: "app", Balancer: "least_conn", Sticky: true, SessionSticky: "cookie=route option=indirect", Keepalive: 16,
		Servers: []Server{
			{Address: "127.0.0.1:9001", Weight: 2},
			{Address: "127.0.0.1:9002", Backup: true, MaxFails: &zero},
		}}
	tests := []struct {
		name   string
		target string
		change func(u *Upstream)
		want   map[string]string // changed files only
	}{
		{"same model changes nothing", "app", func(u *Upstream) {}, nil},
		{"same values written differently change nothing", "app", func(u *Upstream) {
			u.SessionSticky = `"cookie=route"   option=indirect`
			u.Servers[1].Params = nil
		}, nil},
		{"balancer changed in place, comment kept", "app", func(u *Upstream) {
			u.Balancer = "hash $request_uri consistent"
			u.Servers[0].Weight = 3
		}, map[string]string{"gw.conf": replaceLines(upstreamConf["gw.conf"],
			"        least_conn;", "        hash $request_uri consistent;",
			"        server 127.0.0.1:9001 weight=2; # primary", "        server 127.0.0.1:9001 weight=3; # primary")}},
		{"removed directives go with their line and comment", "app", func(u *Upstream) {
			u.Balancer, u.Sticky, u.SessionSticky, u.Keepalive = "", false, "", 0
			u.Servers = u.Servers[1:]
		}, map[string]string{"gw.conf": replaceLines(upstreamConf["gw.conf"],
			"        least_conn;", "",
			"        server 127.0.0.1:9001 weight=2; # primary", "",
			"        session_sticky cookie=route 'option=indirect';", "",
			"        keepalive 16;", "")}},
		{"new server after the last, quoted when needed", "app", func(u *Upstream) {
			u.Servers = append(u.Servers, Server{Address: "127.0.0.1:9003", Params: []string{"id=c d"}, Down: true})
			u.Check = "interval=3000 rise=2 fall=5 type=http"
		}, map[string]string{"gw.conf": replaceLines(upstreamConf["gw.conf"],
			"        server 127.0.0.1:9002 backup   max_fails=0;",
			"        server 127.0.0.1:9002 backup   max_fails=0;\n        server 127.0.0.1:9003 \"id=c d\" down;",
			"        keepalive 16;", "        keepalive 16;\n        check interval=3000 rise=2 fall=5 type=http;")}},
		{"server inserted first goes before the kept one", "app", func(u *Upstream) {
			u.Servers = append([]Server{{Address: "127.0.0.1:9000"}}, u.Servers...)
		}, map[string]string{"gw.conf": replaceLines(upstreamConf["gw.conf"],
			"        server 127.0.0.1:9001 weight=2; # primary",
			"        server 127.0.0.1:9000;\n        server 127.0.0.1:9001 weight=2; # primary")}},
		{"an upstream in an included file is edited there, tabs kept", "api", func(u *Upstream) {
			u.Balancer = "random two"
			u.Keepalive = 8
			u.Servers[1].Address = "10.0.0.3:80"
		}, map[string]string{"upstreams/api.conf": lines(
			"# api servers",
			"upstream api {",
			"\trandom two;",
			"\tserver 10.0.0.1:80 id=a;",
			"\tserver 10.0.0.3:80 id=b;",
			"\tkeepalive 8;",
			"}",
		)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := setup(t, upstreamConf)
			orig := f.Clone()
			u := app
			if tt.target == "api" {
				u, _ = f.Upstream("api")
			}
			u.Servers = append([]Server(nil), u.Servers...)
			tt.change(&u)
			if err := f.ReplaceUpstream(tt.target, u); err != nil {
				t.Fatal(err)
			}
			checkTexts(t, f, dir, upstreamConf, tt.want)
			if got := len(f.Changed(orig)); got != len(tt.want) {
				t.Errorf("Changed = %v, want %d files", f.Changed(orig), len(tt.want))
			}
			back, err := f.Upstream(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			checkSameUpstream(t, back, u)
		})
	}
}
