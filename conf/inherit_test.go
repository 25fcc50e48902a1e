package conf

import (
	"os"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/conf/proxyreq"
	"github.com/gw-proxy/gw/parser"
)

// buildText parses src as one file and builds it under a temporary prefix.
func buildText(t *testing.T, src string) *Config {
	t.Helper()
	tree, err := parser.Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Build(tree, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func headerNames(hs []AddHeader) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestInheritance pins nginx's merge rules with explicit expectations (the
// golden files show the same, but can be regenerated without reading).
func TestInheritance(t *testing.T) {
	c := buildText(t, `events {}
http {
    add_header A a;
    server {
        listen 8080;
        add_header B b;
        location /x/ {
            location /x/y/ { add_header C c; proxy_read_timeout 5s; return 204; }
            return 200;
        }
        location /z/ { proxy_pass http://127.0.0.1:9000; }
    }
    server {
        listen 8081;
        location / { }
    }
    proxy_read_timeout 7s;
    add_header D d;
}`)
	s1, s2 := c.HTTP.Servers[0], c.HTTP.Servers[1]
	x, z := s1.Locations[0], s1.Locations[1]
	y := x.Locations[0]
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"http keeps all its add_header lines, even after the servers", headerNames(c.HTTP.Settings.AddHeaders), []string{"A", "D"}},
		{"a server that writes add_header drops http's", headerNames(s1.Settings.AddHeaders), []string{"B"}},
		{"a location that writes none inherits the server's", headerNames(x.Settings.AddHeaders), []string{"B"}},
		{"a nested location that writes one keeps only its own", headerNames(y.Settings.AddHeaders), []string{"C"}},
		{"a server that writes none inherits http's", headerNames(s2.Locations[0].Settings.AddHeaders), []string{"A", "D"}},
	}
	for _, tt := range tests {
		if !equal(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if got := x.Settings.ProxyReadTimeout; got != 7*time.Second {
		t.Errorf("http value written after the servers: got %v, want 7s", got)
	}
	if got := y.Settings.ProxyReadTimeout; got != 5*time.Second {
		t.Errorf("inner value replaces outer: got %v, want 5s", got)
	}
	if x.Settings.Return == nil || x.Settings.Return.Code != 200 || y.Settings.Return.Code != 204 {
		t.Errorf("each location keeps its own return")
	}
	if s1.Settings.Return != nil || z.Settings.Return != nil {
		t.Errorf("return must not be inherited")
	}
	if z.Settings.ProxyPass == nil || s1.Settings.ProxyPass != nil {
		t.Errorf("proxy_pass belongs to its location only")
	}
}

// TestOffCancelsItsLevel: access_log off and proxy_redirect off cancel every
// line of their level whatever the order, and an inner level that writes its
// own lines gets them back.
func TestOffCancelsItsLevel(t *testing.T) {
	c := buildText(t, `events {}
http {
    access_log off;
    access_log logs/a.log;
    server {
        listen 8080;
        location /a { access_log logs/b.log; proxy_redirect off; }
        location /b { proxy_redirect /x /y; }
    }
}`)
	srv := c.HTTP.Servers[0]
	if n := len(srv.Settings.AccessLogs); n != 0 {
		t.Errorf("server inherits %d access logs, want 0 (off at http)", n)
	}
	if n := len(srv.Locations[0].Settings.AccessLogs); n != 1 {
		t.Errorf("location writing access_log has %d logs, want 1", n)
	}
	if n := len(srv.Locations[0].Settings.ProxyRedirects); n != 0 {
		t.Errorf("proxy_redirect off left %d rules", n)
	}
	if r := srv.Locations[1].Settings.ProxyRedirects; len(r) != 1 || r[0].Default {
		t.Errorf("a level with its own proxy_redirect drops the default: %+v", r)
	}
	if r := srv.Settings.ProxyRedirects; len(r) != 1 || !r[0].Default {
		t.Errorf("nginx's default is proxy_redirect default: %+v", r)
	}
}

// TestDefaults pins the defaults gw documents.
func TestDefaults(t *testing.T) {
	c := buildText(t, "events {}\nhttp { server { location / { } } }")
	s := c.HTTP.Servers[0].Locations[0].Settings
	checks := []struct {
		name string
		ok   bool
	}{
		{"proxy timeouts 60s", s.ProxyConnectTimeout == time.Minute && s.ProxyReadTimeout == time.Minute && s.ProxySendTimeout == time.Minute},
		{"keepalive_timeout 75s", s.KeepaliveTimeout == 75*time.Second},
		{"keepalive_requests 1000", s.KeepaliveRequests == 1000},
		{"client_max_body_size 1m", s.ClientMaxBodySize == 1<<20},
		{"client_body_buffer_size 16k", s.ClientBodyBufferSize == 16<<10},
		{"client_body_temp_path client_body_temp", s.ClientBodyTempPath == c.Prefix+"/client_body_temp"},
		{"proxy_next_upstream error timeout", s.ProxyNextUpstream == NextError|NextTimeout},
		{"proxy_next_upstream_tries 0", s.ProxyNextUpstreamTries == 0},
		{"proxy_http_version 1.0", s.ProxyHTTPVersion == "1.0"},
		{"server_tokens on", s.ServerTokens},
		{"proxy_buffering on", s.ProxyBuffering && s.ProxyRequestBuffering},
		{"access_log logs/access.log in gw's JSON", len(s.AccessLogs) == 1 && s.AccessLogs[0].Format == nil &&
			s.AccessLogs[0].Path == c.Prefix+"/logs/access.log"},
		{"large_client_header_buffers 4 8k", s.LargeClientHeaderBuffers == Buffers{4, 8 << 10}},
		{"listen *:80", c.HTTP.Servers[0].Listens[0].Addr.String() == "0.0.0.0:80"},
		{"server_name \"\"", c.HTTP.Servers[0].Names[0].Name == ""},
		{"worker_processes auto", c.WorkerProcesses == 0},
		{"worker_connections 512", c.WorkerConnections == 512},
		{"worker_shutdown_timeout 10s", c.WorkerShutdownTimeout == 10*time.Second},
		{"daemon off", !c.Daemon},
		{"no allow/deny, auth_basic off, satisfy all", s.Access.Rules == nil && s.Access.Realm == nil &&
			s.Access.UserFile == nil && !s.Access.SatisfyAny},
		{"proxy_ssl_session_reuse on, client's method, headers and body", s.ProxyRequest == proxyreq.Settings{}},
		{"pid logs/gw.pid", c.PidFile == c.Prefix+"/logs/gw.pid"},
		{"error_log logs/error.log error", c.ErrorLog == logs.ErrorLog{Path: c.Prefix + "/logs/error.log", Level: "error"}},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("default %s not applied", ch.name)
		}
	}
}

// TestAccessInheritance: allow/deny written at http after the servers reach
// a server without rules, not one with its own; auth_basic and its file
// merge one by one.
func TestAccessInheritance(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/users"
	if err := os.WriteFile(file, []byte("u:{PLAIN}p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := buildText(t, `events {}
http {
    auth_basic "outer";
    server { listen 8080; location / { auth_basic_user_file `+file+`; } }
    server { listen 8081; deny 10.0.0.1; auth_basic off; location / { allow all; } }
    allow 127.0.0.1;
    deny all;
}`)
	a, b := c.HTTP.Servers[0], c.HTTP.Servers[1]
	if n := len(a.Settings.Access.Rules); n != 2 {
		t.Errorf("a server without rules has %d, want the http level's 2", n)
	}
	if l := a.Locations[0].Settings.Access; l.Realm.String() != "outer" || l.UserFile == nil || !l.Active() {
		t.Errorf("realm %q and file %v: want the inherited realm with the location's file", l.Realm, l.UserFile)
	}
	if r := b.Settings.Access.Rules; len(r) != 1 || !r[0].Deny {
		t.Errorf("a server with its own rule has %+v, want only it", r)
	}
	if l := b.Locations[0].Settings.Access; len(l.Rules) != 1 || l.Rules[0].Deny || l.Realm != nil {
		t.Errorf("location: %+v, want its own allow and auth_basic off", l)
	}
}

// TestProxyRequestInherited: the request-shaping directives inherit as
// nginx's, a level's own line replacing its parent's.
func TestProxyRequestInherited(t *testing.T) {
	c := buildText(t, `events {} http { proxy_ssl_session_reuse off; proxy_pass_request_headers off;
		server { proxy_method POST; proxy_set_body "a=$uri";
			location /a { proxy_pass_request_body off; proxy_pass_request_headers on; }
			location /b { proxy_ssl_session_reuse on; } } }`)
	srv := c.HTTP.Servers[0]
	a, b := srv.Locations[0].Settings.ProxyRequest, srv.Locations[1].Settings.ProxyRequest
	if !a.NoSSLSessionReuse || a.NoClientHeaders || !a.NoClientBody || a.Method == nil || a.Body == nil {
		t.Errorf("/a: %+v", a)
	}
	if b.NoSSLSessionReuse || !b.NoClientHeaders || b.NoClientBody || b.Method == nil || b.Body == nil {
		t.Errorf("/b: %+v", b)
	}
	tree, err := parser.Parse("t.conf", []byte(`events {} http { server { proxy_pass_request_body maybe; } }`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(tree, t.TempDir()); err == nil {
		t.Error("proxy_pass_request_body maybe accepted")
	}
}
