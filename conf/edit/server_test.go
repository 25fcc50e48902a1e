package edit

import (
	"errors"
	"reflect"
	"testing"
)

func TestServerIDs(t *testing.T) {
	got := ServerIDs([]string{"a:80", "x", "a:80", "b:80", "a:80"})
	want := []string{"a:80", "x", "a:80#2", "b:80", "a:80#3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ServerIDs = %v, want %v", got, want)
	}
}

// serverConf has servers with ids, duplicates, a host name, a server from
// an include inside the upstream, and parameters without a field.
var serverConf = map[string]string{
	"gw.conf": lines(
		"events {}",
		"http {",
		"    upstream app {",
		"        hash $cookie_user;",
		"        server 10.0.0.1:80 id=one slow_start=10s;",
		"        server 10.0.0.2:80;",
		"        server 10.0.0.2:80 weight=0; # a second line, same address",
		"        include more.conf;",
		"        keepalive 4;",
		"    }",
		"}",
	),
	"more.conf": "server backend.local:8080 max_conns=10 fail_timeout=30s drain;\n",
}

func TestServers(t *testing.T) {
	f, _ := setup(t, serverConf)
	got, err := f.Servers("app")
	if err != nil {
		t.Fatal(err)
	}
	want := []Server{
		{ID: "one", Address: "10.0.0.1:80", Params: []string{"id=one", "slow_start=10s"}},
		{ID: "10.0.0.2:80", Address: "10.0.0.2:80"},
		{ID: "10.0.0.2:80#2", Address: "10.0.0.2:80", Params: []string{"weight=0"}},
		{ID: "backend.local:8080", Address: "backend.local:8080", MaxConns: 10, FailTimeout: "30s", Drain: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Servers =\n%+v\nwant\n%+v", got, want)
	}
}

func TestServerEdits(t *testing.T) {
	conf := serverConf["gw.conf"]
	tests := []struct {
		name string
		edit func(f *Files) error
		want map[string]string
	}{
		{"add goes after the last server, in the include", func(f *Files) error {
			id, err := f.AddServer("app", Server{Address: "10.0.0.1:80"})
			if id != "10.0.0.1:80" {
				t.Errorf("id = %q", id)
			}
			return err
		}, map[string]string{"more.conf": serverConf["more.conf"] + "server 10.0.0.1:80;\n"}},
		{"add a duplicate address names it #3", func(f *Files) error {
			id, err := f.AddServer("app", Server{Address: "10.0.0.2:80", Down: true})
			if id != "10.0.0.2:80#3" {
				t.Errorf("id = %q", id)
			}
			return err
		}, map[string]string{"more.conf": serverConf["more.conf"] + "server 10.0.0.2:80 down;\n"}},
		{"replace the second of two same lines", func(f *Files) error {
			return f.ReplaceServer("app", "10.0.0.2:80#2", Server{Address: "10.0.0.2:80", Weight: 5})
		}, map[string]string{"gw.conf": replaceLines(conf,
			"        server 10.0.0.2:80 weight=0; # a second line, same address",
			"        server 10.0.0.2:80 weight=5; # a second line, same address")}},
		{"replace by id= keeps the line when nothing changes (id= in params wins over ID)", func(f *Files) error {
			return f.ReplaceServer("app", "one", Server{ID: "ignored", Address: "10.0.0.1:80", Params: []string{"id=one", "slow_start=10s"}})
		}, nil},
		{"an ID of its own is written as id=", func(f *Files) error {
			id, err := f.AddServer("app", Server{ID: "s9", Address: "10.0.0.9:80"})
			if id != "s9" {
				t.Errorf("id = %q", id)
			}
			return err
		}, map[string]string{"more.conf": serverConf["more.conf"] + "server 10.0.0.9:80 id=s9;\n"}},
		{"an ID derived from the address is not written", func(f *Files) error {
			return f.ReplaceServer("app", "10.0.0.2:80#2", Server{ID: "10.0.0.2:80#2", Address: "10.0.0.2:80", Weight: 5})
		}, map[string]string{"gw.conf": replaceLines(conf,
			"        server 10.0.0.2:80 weight=0; # a second line, same address",
			"        server 10.0.0.2:80 weight=5; # a second line, same address")}},
		{"delete the first of two same lines", func(f *Files) error {
			return f.DeleteServer("app", "10.0.0.2:80")
		}, map[string]string{"gw.conf": replaceLines(conf, "        server 10.0.0.2:80;", "")}},
		{"delete in the include", func(f *Files) error {
			return f.DeleteServer("app", "backend.local:8080")
		}, map[string]string{"more.conf": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := setup(t, serverConf)
			if err := tt.edit(f); err != nil {
				t.Fatal(err)
			}
			checkTexts(t, f, dir, serverConf, tt.want)
		})
	}
}

func TestServerErrors(t *testing.T) {
	f, dir := setup(t, serverConf)
	var inv *Invalid
	cases := []struct {
		name  string
		err   error
		field string // "" for ErrNotFound
	}{
		{"unknown upstream", f.DeleteServer("nope", "x"), ""},
		{"unknown id", f.DeleteServer("app", "10.0.0.9:80"), ""},
		{"unknown id on replace", f.ReplaceServer("app", "nope", Server{Address: "a"}), ""},
		{"empty address", func() error { _, err := f.AddServer("app", Server{}); return err }(), "address"},
		{"address with a space", func() error { _, err := f.AddServer("app", Server{Address: "a b"}); return err }(), "address"},
		{"negative weight", f.ReplaceServer("app", "one", Server{Address: "a", Weight: -1}), "weight"},
		{"a field's parameter in params", func() error {
			_, err := f.AddServer("app", Server{Address: "a", Params: []string{"backup"}})
			return err
		}(), "params[0]"},
		{"an ID with a blank", func() error { _, err := f.AddServer("app", Server{ID: "s 1", Address: "a"}); return err }(), "id"},
		{"empty param", func() error { _, err := f.AddServer("app", Server{Address: "a", Params: []string{""}}); return err }(), "params[0]"},
	}
	for _, c := range cases {
		switch {
		case c.field == "" && !errors.Is(c.err, ErrNotFound):
			t.Errorf("%s: %v, want ErrNotFound", c.name, c.err)
		case c.field != "" && (!errors.As(c.err, &inv) || inv.Field != c.field):
			t.Errorf("%s: %v, want Invalid %s", c.name, c.err, c.field)
		}
	}
	checkTexts(t, f, dir, serverConf, nil)
}
