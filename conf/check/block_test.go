package check_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/conf/internal/conftest"
)

// read gives every directive of the upstream block src to one Block, in
// file order as conf's table does, and returns its Config.
func read(t *testing.T, src string) (*check.Config, error) {
	t.Helper()
	var b check.Block
	for _, d := range conftest.Directive(t, src).Block {
		if err := b.Read(d); err != nil {
			return nil, err
		}
	}
	return b.Config()
}

func mustRead(t *testing.T, src string) *check.Config {
	t.Helper()
	c, err := read(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		t.Fatal("Config is nil, want a check")
	}
	return c
}

func TestDefaults(t *testing.T) {
	c := mustRead(t, "u { check interval=30000; }")
	want := check.Config{
		Pos: c.Pos, Interval: 30 * time.Second, Fall: 5, Rise: 2, Timeout: time.Second,
		DefaultDown: true, Type: check.TCP, KeepaliveRequests: 1,
	}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("got %+v\nwant %+v", *c, want)
	}
	if c.Pos.Line != 1 || c.Pos.Col != 5 {
		t.Errorf("Pos %v, want the check directive at t.conf:1:5", c.Pos)
	}
	if c.Send != nil {
		t.Errorf("Send %q for a tcp check, want nil", c.Send)
	}
	// As in Tengine, a written expect is kept whatever the type.
	if c := mustRead(t, "u { check; check_http_expect_alive http_4xx; }"); c.Expect != check.Status4xx {
		t.Errorf("Expect %v, want http_4xx", c.Expect)
	}
}

func TestHTTPDefaults(t *testing.T) {
	c := mustRead(t, "u { check type=http; }")
	if string(c.Send) != "GET / HTTP/1.0\r\n\r\n" {
		t.Errorf("Send %q, want Tengine's default request", c.Send)
	}
	if c.Expect != check.Status2xx|check.Status3xx || c.ExpectBody != "" {
		t.Errorf("Expect %v ExpectBody %q", c.Expect, c.ExpectBody)
	}
}

func TestEveryParameter(t *testing.T) {
	c := mustRead(t, `u { check interval=3000 rise=3 fall=4 timeout=500 default_down=FALSE
		type=http port=8081 unique=true; }`)
	want := check.Config{
		Pos: c.Pos, Interval: 3 * time.Second, Rise: 3, Fall: 4, Timeout: 500 * time.Millisecond,
		DefaultDown: false, Type: check.HTTP, Port: 8081,
		Send: []byte("GET / HTTP/1.0\r\n\r\n"), Expect: check.Status2xx | check.Status3xx,
		KeepaliveRequests: 1,
	}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("got %+v\nwant %+v", *c, want)
	}
}

func TestTypes(t *testing.T) {
	for word, typ := range map[string]check.Type{"tcp": check.TCP, "http": check.HTTP, "ssl_hello": check.SSLHello} {
		c := mustRead(t, "u { check type="+word+"; }")
		if c.Type != typ || c.Type.String() != word {
			t.Errorf("type=%s: %v (%q)", word, c.Type, c.Type.String())
		}
	}
}

// TestCompanions: check_http_send's escapes are nginx's own (the parser's),
// so "\r\n" is CRLF and "\x41" stays four characters, as in Tengine.
func TestCompanions(t *testing.T) {
	c := mustRead(t, `u {
		check type=http;
		check_http_send "HEAD /health HTTP/1.1\r\nHost: app\r\nX-Raw: \x41\t\"q\"\r\n\r\n";
		check_http_expect_alive HTTP_2xx http_4xx;
		check_http_expect_body "ok";
		check_keepalive_requests 100;
	}`)
	if want := "HEAD /health HTTP/1.1\r\nHost: app\r\nX-Raw: \\x41\t\"q\"\r\n\r\n"; string(c.Send) != want {
		t.Errorf("Send %q, want %q", c.Send, want)
	}
	if c.Expect != check.Status2xx|check.Status4xx || c.ExpectBody != "ok" || c.KeepaliveRequests != 100 {
		t.Errorf("Expect %v ExpectBody %q KeepaliveRequests %d", c.Expect, c.ExpectBody, c.KeepaliveRequests)
	}
}

// TestOrderFree: the companions may come before check; check's defaults do
// not overwrite them.
func TestOrderFree(t *testing.T) {
	c := mustRead(t, `u { check_http_send "GET /h HTTP/1.0\r\n\r\n"; check_http_expect_alive http_5xx;
		check_keepalive_requests 2; check type=http; }`)
	if string(c.Send) != "GET /h HTTP/1.0\r\n\r\n" || c.Expect != check.Status5xx || c.KeepaliveRequests != 2 {
		t.Errorf("Send %q Expect %v KeepaliveRequests %d", c.Send, c.Expect, c.KeepaliveRequests)
	}
}

// TestEmptySendIsDefault: Tengine treats check_http_send "" as unset, for
// any type.
func TestEmptySendIsDefault(t *testing.T) {
	if c := mustRead(t, `u { check type=http; check_http_send ""; }`); string(c.Send) != "GET / HTTP/1.0\r\n\r\n" {
		t.Errorf("Send %q, want the default", c.Send)
	}
	if c := mustRead(t, `u { check; check_http_send ""; }`); c.Send != nil {
		t.Errorf("Send %q for tcp, want nil", c.Send)
	}
}

// TestWithoutCheck: without check the block has no Config; Tengine accepts
// check_http_expect_alive and check_keepalive_requests alone.
func TestWithoutCheck(t *testing.T) {
	c, err := read(t, `u { check_http_expect_alive http_2xx; check_keepalive_requests 3; check_http_expect_body x; }`)
	if c != nil || err != nil {
		t.Errorf("got %+v, %v; want nil, nil", c, err)
	}
	var zero check.Block
	if c, err := zero.Config(); c != nil || err != nil {
		t.Errorf("zero Block: %+v, %v", c, err)
	}
}

func TestErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"u { check foo; }", `invalid parameter "foo" in t.conf:1:11`},
		{"u { check x=1; }", `invalid parameter "x=1" in t.conf:1:11`},
		{"u { check interval=3s; }", `invalid parameter "interval=3s" in t.conf:1:11`},
		{"u { check interval=0; }", `invalid parameter "interval=0" in t.conf:1:11`},
		{"u { check interval=; }", `invalid parameter "interval=" in t.conf:1:11`},
		{"u { check interval=99999999999999999999; }", `invalid parameter "interval=99999999999999999999" in t.conf:1:11`},
		{"u { check interval=9223372036855; }", `invalid parameter "interval=9223372036855" in t.conf:1:11`},
		{"u { check timeout=-1; }", `invalid parameter "timeout=-1" in t.conf:1:11`},
		{"u { check rise=0; }", `invalid parameter "rise=0" in t.conf:1:11`},
		{"u { check fall=two; }", `invalid parameter "fall=two" in t.conf:1:11`},
		{"u { check port=0; }", `invalid parameter "port=0" in t.conf:1:11`},
		{"u { check port=65536; }", `invalid parameter "port=65536" in t.conf:1:11`},
		{"u { check type=HTTP; }", `invalid parameter "type=HTTP" in t.conf:1:11`},
		{"u { check type=udp; }", `invalid parameter "type=udp" in t.conf:1:11`},
		{"u { check rise=1 type=mysql; }", `gw does not implement the "mysql" check type in t.conf:1:18`},
		{"u { check type=ajp; }", `gw does not implement the "ajp" check type in t.conf:1:11`},
		{"u { check type=fastcgi; }", `gw does not implement the "fastcgi" check type in t.conf:1:11`},
		{"u { check default_down=yes; }", `invalid value "default_down=yes", it must be "true" or "false" in t.conf:1:11`},
		{"u { check unique=1; }", `invalid value "unique=1", it must be "true" or "false" in t.conf:1:11`},
		{"u { check rise=2 rise=3; }", `duplicate parameter "rise=3" in t.conf:1:18`},
		{"u { check_http_expect_alive http_2xx http_6xx; }", `invalid value "http_6xx" in t.conf:1:38`},
		{"u { check_http_expect_alive 200; }", `invalid value "200" in t.conf:1:29`},
		{"u { check_keepalive_requests 0; }", `"check_keepalive_requests" directive invalid value in t.conf:1:30`},
		{"u { check_keepalive_requests many; }", `"check_keepalive_requests" directive invalid value in t.conf:1:30`},
		{`u { check_http_send "GET / HTTP/1.0\r\n\r\n"; }`, `invalid check_http_send should set [check] first in t.conf:1:5`},
		{`u { check type=tcp; check_http_send "GET /"; }`, `invalid check_http_send for type "tcp" in t.conf:1:21`},
		{`u { check_http_send "GET /"; check type=ssl_hello; }`, `invalid check_http_send for type "ssl_hello" in t.conf:1:5`},
		{`u { check; check_http_expect_body "ok"; }`, `invalid check_http_expect_body for type "tcp" in t.conf:1:12`},
		{"u { proxy_pass x; }", `unknown directive "proxy_pass" in t.conf:1:5`},
	} {
		_, err := read(t, tt.src)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %s", tt.src, err, tt.want)
		}
	}
}
