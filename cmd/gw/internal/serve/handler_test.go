package serve

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/gw-proxy/gw/cmd/gw/internal/edge"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream/proxy"
)

// memServer serves a configuration over an in-memory listener with gw's
// own fasthttp options and client edge, and returns a dialer.
func memServer(t *testing.T, text string) func() net.Conn {
	t.Helper()
	dial := memServerFrom(t, text, zerolog.Nop())
	return func() net.Conn { return dial(nil) }
}

// memServerFrom is memServer with an error log, whose dialer connects
// from the client address given (nil: fasthttputil's own, not an IP).
func memServerFrom(t *testing.T, text string, log zerolog.Logger) func(client net.Addr) net.Conn {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "gw.conf")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := conf.Load(conf.LoadOptions{Prefix: dir, File: file})
	if err != nil {
		t.Fatal(err)
	}
	rt, err := compile(cfg, 1, proxy.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	l := &listener{}
	l.binding.Store(&binding{rt: rt, sock: 0, scheme: "http"})
	st := cfg.HTTP.Servers[0].Settings
	srv := l.newFastServer(st)
	ln := fasthttputil.NewInmemoryListener()
	table := edge.NewTable(16, zerolog.Nop())
	go srv.Serve(edge.NewListener(ln, table, func() edge.Timeouts {
		return edge.Timeouts{Header: time.Second, Keepalive: time.Second, Body: time.Second, Send: time.Second}
	}))
	t.Cleanup(func() { ln.Close() })
	return func(client net.Addr) net.Conn {
		c, err := ln.DialWithLocalAddr(client)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
}

const answersConfig = `
events {}
http {
    server {
        listen 127.0.0.1:8080;
        server_name answers.test;
        error_page 404 /not-found;
        error_page 403 =200 @named;
        location = /text { return 200 "hello $arg_who"; }
        location = /not-found { return 200 "custom page"; }
        location @named { return 200 "named"; }
        location = /forbidden { return 403; }
        location = /close { return 444; }
        location = /headers {
            add_header X-Ok ok;
            add_header X-Always yes always;
            return 500;
        }
        location /limited/ { client_max_body_size 10; return 200 "took it"; }
    }
}
`

// roundTrip sends raw and reads one response (nil when the connection
// closed without one).
func roundTrip(t *testing.T, c net.Conn, raw string) *fasthttp.Response {
	t.Helper()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		return nil
	}
	return &resp
}

func TestHandlerAnswers(t *testing.T) {
	dial := memServer(t, answersConfig)
	for _, tc := range []struct {
		name, raw string
		status    int
		body      string // substring
		header    string // "Name: value" that must be there; "-Name" absent
	}{
		{"return with a variable", "GET /text?who=me HTTP/1.1\r\nHost: answers.test\r\n\r\n", 200, "hello me", "Server: gw/"},
		{"error_page to a location", "GET /nothing HTTP/1.1\r\nHost: answers.test\r\n\r\n", 404, "custom page", ""},
		{"error_page =200 to a named location", "GET /forbidden HTTP/1.1\r\nHost: answers.test\r\n\r\n", 200, "named", ""},
		{"add_header skips 500, always does not", "GET /headers HTTP/1.1\r\nHost: answers.test\r\n\r\n", 500, "<center><h1>500 Internal Server Error</h1></center>", "X-Always: yes"},
		{"add_header without always on 500", "GET /headers HTTP/1.1\r\nHost: answers.test\r\n\r\n", 500, "", "-X-Ok"},
		{"a refused request gets the built-in page", "GET /text HTTP/1.1\r\nHost: answers.test\r\nX A: 1\r\n\r\n", 400, "400 Bad Request", "Connection: close"},
		{"an oversized body is refused before 100 Continue", "POST /limited/x HTTP/1.1\r\nHost: answers.test\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n", 413, "413 Request Entity Too Large", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := roundTrip(t, dial(), tc.raw)
			if resp == nil {
				t.Fatal("no response")
			}
			if resp.StatusCode() != tc.status || !strings.Contains(string(resp.Body()), tc.body) {
				t.Fatalf("%d %q, want %d with %q", resp.StatusCode(), resp.Body(), tc.status, tc.body)
			}
			hdr := resp.Header.String()
			switch {
			case strings.HasPrefix(tc.header, "-"):
				if strings.Contains(hdr, tc.header[1:]+":") {
					t.Fatalf("header %s present:\n%s", tc.header[1:], hdr)
				}
			case tc.header != "" && !strings.Contains(hdr, tc.header):
				t.Fatalf("header %q missing:\n%s", tc.header, hdr)
			}
		})
	}
	if resp := roundTrip(t, dial(), "GET /close HTTP/1.1\r\nHost: answers.test\r\n\r\n"); resp != nil {
		t.Fatalf("return 444 answered %d", resp.StatusCode())
	}
}

// $server_name is the first server_name as nginx gives it, and a Host
// nginx finds invalid is refused with 400 before any server is chosen.
func TestHandlerServerNameAndHost(t *testing.T) {
	dial := memServer(t, `
events {}
http {
    server { listen 127.0.0.1:8080; server_name localhost; return 200 "$server_name"; }
    server { listen 127.0.0.1:8080; server_name ~^EXAMPLE\.COM$; return 200 "$server_name"; }
    server { listen 127.0.0.1:8080; server_name .dot.example.com; return 200 "$server_name"; }
    server {
        listen 127.0.0.1:8080;
        server_name "~^(?P<name>www\d+)\.example\.com$" ~^(?<sub>.+)\.sub\.test$;
        add_header X-Match "$name$sub";
        return 200 "$server_name $name $sub $1";
    }
}
`)
	for _, tc := range []struct {
		host   string
		status int
		body   string
	}{
		{"Host: example.com\r\n", 200, `~^EXAMPLE\.COM$`},
		{"Host: www.dot.example.com\r\n", 200, "dot.example.com"},
		{"Host: xxx\r\n", 200, "localhost"},
		{"Host: WWW01.Example.com:8080\r\n", 200, `~^(?P<name>www\d+)\.example\.com$ www01  www01`},
		{"Host: blah.sub.test.\r\n", 200, `~^(?P<name>www\d+)\.example\.com$  blah blah`},
		{"Host: \r\n", 400, "400 Bad Request"},
		{"Host: .\r\n", 400, "400 Bad Request"},
		{"Host: ..x\r\n", 400, "400 Bad Request"},
	} {
		resp := roundTrip(t, dial(), "GET / HTTP/1.0\r\n"+tc.host+"\r\n")
		if resp == nil {
			t.Fatalf("%q: no response", tc.host)
		}
		if resp.StatusCode() != tc.status || !strings.Contains(string(resp.Body()), tc.body) {
			t.Errorf("%q: %d %q, want %d with %q", tc.host, resp.StatusCode(), resp.Body(), tc.status, tc.body)
		}
	}
	resp := roundTrip(t, dial(), "GET http:/// HTTP/1.0\r\nHost: localhost\r\n\r\n")
	if resp == nil || resp.StatusCode() != 400 {
		t.Errorf("absolute URI with an empty host: %v, want 400", resp)
	}
}
