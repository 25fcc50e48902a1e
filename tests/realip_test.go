package tests

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// realIPConfig is nginx-tests realip.t's configuration (set_real_ip_from
// 127.0.0.1/32 and 10.0.1.0/24, X-Real-IP, X-Forwarded-For with and
// without recursion, a custom header, a server whose return runs before
// any location) answering $remote_addr, plus allow/deny and ip_hash seeing
// the real address, a server whose trusted range excludes the test client,
// and PROXY protocol listeners (plain and ssl). %[1]s, %[2]s, %[3]s, %[4]s
// are gw's addresses; %[5]s and %[6]s the backends; %[7]s, %[8]s the
// certificate and key.
const realIPConfig = `
error_log logs/error.log info;
events {}
http {
    set_real_ip_from 127.0.0.1/32;
    set_real_ip_from 10.0.1.0/24;
    upstream hashed { ip_hash; server %[5]s; server %[6]s; }
    upstream hashvar { hash $remote_addr; server %[5]s; server %[6]s; }
    server {
        listen %[1]s;
        location / { return 200 "$remote_addr $remote_port $realip_remote_addr"; }
        location /custom { real_ip_header X-Real-IP-Custom; return 200 "$remote_addr"; }
        location /1 { real_ip_header X-Forwarded-For; real_ip_recursive off; return 200 "$remote_addr"; }
        location /2 { real_ip_header X-Forwarded-For; real_ip_recursive on; return 200 "$remote_addr"; }
        location /deny { deny 192.0.2.0/24; allow all; return 200 "in $remote_addr"; }
        location /hash { proxy_pass http://hashed; }
        location /hashvar { proxy_pass http://hashvar; }
        location /xff {
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_pass http://%[5]s/echo;
        }
        location /untrusted { set_real_ip_from 10.9.9.9; return 200 "$remote_addr"; }
    }
    server {
        listen %[2]s;
        server_name untrusted;
        set_real_ip_from 10.9.9.9;
        location /untrusted { return 200 "$remote_addr"; }
        location /byname { set_real_ip_from localhost; return 200 "$remote_addr"; }
    }
    server {
        listen %[2]s default_server;
        return 200 "post read $remote_addr";
    }
    server {
        listen %[3]s proxy_protocol;
        location / {
            return 200 "$remote_addr|$proxy_protocol_addr|$proxy_protocol_port|$proxy_protocol_server_addr|$proxy_protocol_server_port";
        }
        location /real {
            real_ip_header proxy_protocol;
            return 200 "$remote_addr $remote_port $realip_remote_addr";
        }
    }
    server {
        listen %[4]s ssl proxy_protocol;
        ssl_certificate %[7]s;
        ssl_certificate_key %[8]s;
        real_ip_header proxy_protocol;
        location / { return 200 "$scheme $remote_addr $proxy_protocol_addr"; }
    }
}
`

// ppV2 is a v2 PROXY header for src -> dst over TCP, with one TLV.
func ppV2(src, dst netip.AddrPort) string {
	b := []byte("\r\n\r\n\x00\r\nQUIT\n\x21")
	var body []byte
	if src.Addr().Is4() {
		b = append(b, 0x11)
		body = append(append(body, src.Addr().AsSlice()...), dst.Addr().AsSlice()...)
	} else {
		b = append(b, 0x21)
		body = append(append(body, src.Addr().AsSlice()...), dst.Addr().AsSlice()...)
	}
	body = binary.BigEndian.AppendUint16(body, src.Port())
	body = binary.BigEndian.AppendUint16(body, dst.Port())
	body = append(body, 0x05, 0, 2, 'i', 'd') // PP2_TYPE_UNIQUE_ID, skipped
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)))
	return string(append(b, body...))
}

func TestRealIP(t *testing.T) {
	app1, app2 := startDemo(t, "app1"), startDemo(t, "app2")
	dir := t.TempDir()
	crt, key := writeCert(t, dir, "pp.test")
	main, post, pp, ppTLS := addr(freePort(t)), addr(freePort(t)), addr(freePort(t)), addr(freePort(t))
	p := startGW(t, fmt.Sprintf(realIPConfig, main, post, pp, ppTLS, app1, app2, crt, key), main, post, pp, ppTLS)

	xff := func(uri, v string) string {
		return "GET " + uri + " HTTP/1.0\r\nHost: localhost\r\nX-Forwarded-For: " + v + "\r\n\r\n"
	}
	runNgxCases(t, main, []ngxCase{
		{source: "realip.t realip", req: "GET / HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 192.0.2.1\r\n\r\n",
			status: 200, body: []string{"=192.0.2.1  127.0.0.1"}},
		{source: "realip.t realip custom", req: "GET /custom HTTP/1.0\r\nHost: localhost\r\nX-Real-IP-Custom: 192.0.2.1\r\n\r\n",
			body: []string{"=192.0.2.1"}},
		{source: "realip.t realip multi", req: xff("/1", "10.0.0.1, 192.0.2.1"), body: []string{"=192.0.2.1"}},
		{source: "realip.t realip recursive off", req: xff("/1", "192.0.2.1, 10.0.1.1, 127.0.0.1"), body: []string{"=127.0.0.1"}},
		{source: "realip.t realip recursive on", req: xff("/2", "10.0.1.1, 192.0.2.1, 127.0.0.1"), body: []string{"=192.0.2.1"}},
		{source: "realip.t realip multi xff recursive off",
			req:  "GET /1 HTTP/1.0\r\nHost: localhost\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-For: 127.0.0.1, 10.0.1.1\r\n\r\n",
			body: []string{"=10.0.1.1"}},
		{source: "realip.t realip multi xff recursive on",
			req:  "GET /2 HTTP/1.0\r\nHost: localhost\r\nX-Forwarded-For: 10.0.1.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n",
			body: []string{"=192.0.2.1"}},
		{source: "realip_remote_port.t realip: the header's port, the connection's kept",
			req: xff("/1", "127.0.0.1:123"), body: []string{"=127.0.0.1"}},
		{source: "gw: X-Real-IP with a port", req: "GET / HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 192.0.2.7:4567\r\n\r\n",
			body: []string{"=192.0.2.7 4567 127.0.0.1"}},
		{source: "realip.t: the server's settings apply first (post-read), a location's narrower range does not undo them",
			req: "GET /untrusted HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 192.0.2.1\r\n\r\n", body: []string{"=192.0.2.1"}},
		{source: "gw: an unparsable address changes nothing", req: "GET /1 HTTP/1.0\r\nHost: localhost\r\nX-Forwarded-For: unknown\r\n\r\n",
			body: []string{"=127.0.0.1"}},
		{source: "gw: deny sees the real address", req: "GET /deny HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 192.0.2.1\r\n\r\n", status: 403},
		{source: "gw: allow sees the real address", req: "GET /deny HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 198.51.100.1\r\n\r\n",
			status: 200, body: []string{"=in 198.51.100.1"}},
	})
	runNgxCases(t, post, []ngxCase{
		{source: "realip.t realip post read", req: "GET / HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 192.0.2.1\r\n\r\n",
			status: 200, body: []string{"=post read 192.0.2.1"}},
		{source: "gw: an untrusted peer keeps its address", req: "GET /untrusted HTTP/1.0\r\nHost: untrusted\r\nX-Real-IP: 192.0.2.1\r\n\r\n",
			body: []string{"=127.0.0.1"}},
		{source: "realip.t: set_real_ip_from a host name trusts its addresses (localhost, in a location)",
			req: "GET /byname HTTP/1.0\r\nHost: untrusted\r\nX-Real-IP: 192.0.2.1\r\n\r\n", body: []string{"=192.0.2.1"}},
	})

	for _, uri := range []string{"/hash", "/hashvar"} {
		t.Run("ip_hash and hash $remote_addr choose by the real address: "+uri, func(t *testing.T) {
			hashesRealAddress(t, main, uri)
		})
	}
	runNgxCases(t, main, []ngxCase{
		{source: "gw: $proxy_add_x_forwarded_for appends the real address",
			req:  "GET /xff HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: 192.0.2.1\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n",
			body: []string{"header X-Forwarded-For: 203.0.113.9, 192.0.2.1\n"}},
	})

	src4 := netip.MustParseAddrPort("192.0.2.10:40000")
	dst4 := netip.MustParseAddrPort("10.0.0.1:443")
	runNgxCases(t, pp, []ngxCase{
		{source: "proxy_protocol.t v1: $proxy_protocol_*, $remote_addr kept",
			req:  "PROXY TCP4 192.0.2.1 192.0.2.2 1234 5678\r\nGET / HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"=127.0.0.1|192.0.2.1|1234|192.0.2.2|5678"}},
		{source: "proxy_protocol.t v1 tcp6",
			req:  "PROXY TCP6 2001:db8::1 2001:db8::2 1234 5678\r\nGET / HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"=127.0.0.1|2001:db8::1|1234|2001:db8::2|5678"}},
		{source: "proxy_protocol.t v1 unknown", req: "PROXY UNKNOWN\r\nGET / HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"=127.0.0.1||||"}},
		{source: "proxy_protocol.t realip: real_ip_header proxy_protocol",
			req:  "PROXY TCP4 192.0.2.1 192.0.2.2 1234 5678\r\nGET /real HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"=192.0.2.1 1234 127.0.0.1"}},
		{source: "proxy_protocol2.t v2 inet",
			req:  ppV2(src4, dst4) + "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"=127.0.0.1|192.0.2.10|40000|10.0.0.1|443"}},
		{source: "proxy_protocol2.t v2 inet6 realip",
			req:  ppV2(netip.MustParseAddrPort("[2001:db8::5]:7"), netip.MustParseAddrPort("[2001:db8::6]:8")) + "GET /real HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"=2001:db8::5 7 127.0.0.1"}},
		{source: "proxy_protocol2.t v2 local",
			req:  "\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00GET /real HTTP/1.0\r\nHost: localhost\r\n\r\n",
			body: []string{"127.0.0.1 ", " 127.0.0.1"}},
	})

	t.Run("a malformed header closes the connection with a log line", func(t *testing.T) {
		rc := dialRaw(t, pp)
		rc.send(t, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
		if !rc.closedWithin(5 * time.Second) {
			t.Fatal("the connection stayed open")
		}
		rc = dialRaw(t, pp)
		rc.send(t, "PROXY TCP4 192.0.2.1 192.0.2.2 99999 5678\r\nGET / HTTP/1.0\r\n\r\n")
		if !rc.closedWithin(5 * time.Second) {
			t.Fatal("the connection stayed open")
		}
		errorLog := filepath.Join(p.prefix, "logs", "error.log")
		var text string
		waitFor(t, "the broken headers in the error log", func() bool {
			b, _ := os.ReadFile(errorLog)
			text = string(b)
			return strings.Contains(text, "99999")
		})
		for _, want := range []string{
			`broken header: \"GET / HTTP/1.0\" while reading PROXY protocol, client: 127.0.0.1, server: ` + pp,
			`broken header: \"PROXY TCP4 192.0.2.1 192.0.2.2 99999 5678\" while reading PROXY protocol, client: 127.0.0.1, server: ` + pp,
		} {
			if !hasLogLine(text, "error", want) {
				t.Errorf("the error log lacks %s:\n%s", want, text)
			}
		}
	})

	t.Run("ssl listener: the header comes before the handshake", func(t *testing.T) {
		for _, hdr := range []string{"PROXY TCP4 203.0.113.5 10.0.0.1 1111 443\r\n", ppV2(netip.MustParseAddrPort("203.0.113.5:1111"), dst4)} {
			c, err := net.DialTimeout("tcp", ppTLS, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.WriteString(c, hdr); err != nil {
				t.Fatal(err)
			}
			tc := tls.Client(c, &tls.Config{ServerName: "pp.test", InsecureSkipVerify: true})
			if _, err := io.WriteString(tc, "GET / HTTP/1.0\r\nHost: pp.test\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			resp, err := io.ReadAll(bufio.NewReader(tc))
			if err != nil && len(resp) == 0 {
				t.Fatal(err)
			}
			if !strings.HasSuffix(string(resp), "\r\n\r\nhttps 203.0.113.5 203.0.113.5") {
				t.Errorf("answer %q", resp)
			}
		}
	})
}

// hashesRealAddress checks that the upstream behind uri keeps each real
// address (X-Real-IP from the trusted loopback client) on one backend and
// spreads twenty of them over both.
func hashesRealAddress(t *testing.T, a, uri string) {
	t.Helper()
	seen := map[string]bool{}
	for i := 1; i <= 20; i++ {
		ip := fmt.Sprintf("198.51.%d.9", i)
		first := ""
		for range 3 {
			r := exchange(t, a, "GET "+uri+" HTTP/1.0\r\nHost: localhost\r\nX-Real-IP: "+ip+"\r\n\r\n")
			b := headerValue(r.head, "X-Backend")
			if first == "" {
				first = b
			} else if b != first {
				t.Fatalf("%s went to %s then %s", ip, first, b)
			}
		}
		seen[first] = true
	}
	if !seen["app1"] || !seen["app2"] {
		t.Errorf("20 real addresses from one loopback client all went to %v", seen)
	}
}
