package tests

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// varProxyConfig routes by a variable in proxy_pass: %[1]s is gw's
// address, %[2]s..%[4]s gw-demo backends b1, b2, b3, %[5]s b3's port,
// %[6]s the test's name server.
const varProxyConfig = `
error_log stderr error;
events {}
http {
    upstream app { server %[2]s; server %[3]s; session_sticky; }
    upstream one { server %[4]s; }
    server {
        listen %[1]s;
        location /up/ { proxy_pass http://$arg_up; }
        location /hdr/ { proxy_pass http://$http_x_backend; }
        location /uri/ { proxy_pass http://$http_x_backend/echo; }
        location /url/ { proxy_pass $http_x_url; }
        location /name/ { proxy_pass http://$http_x_host:%[5]s; }
        location /resolved/ {
            resolver %[6]s valid=30s ipv6=off;
            resolver_timeout 5s;
            proxy_pass http://$http_x_host:%[5]s/echo;
        }
    }
}
`

// TestRoutingVariableProxyPass restates nginx's proxy_pass-with-variables
// rules (proxy.t's /var cases, the proxy_pass and resolver documentation,
// ngx_http_proxy_eval) in nginx-tests' shape: what a request makes of the
// URL decides where it goes, and what gw answers when it cannot.
func TestRoutingVariableProxyPass(t *testing.T) {
	t.Parallel()
	a := addr(freePort(t))
	b1, b2, b3 := startDemo(t, "b1"), startDemo(t, "b2"), startDemo(t, "b3")
	b3Port := b3[strings.LastIndexByte(b3, ':')+1:]
	ns := startNameServer(t, map[string]string{"app.test": "127.0.0.1"})
	p := startGW(t, fmt.Sprintf(varProxyConfig, a, b1, b2, b3, b3Port, ns), a)
	get := func(uri, headers string) string {
		return "GET " + uri + " HTTP/1.0\r\nHost: localhost\r\n" + headers + "\r\n"
	}
	runNgxCases(t, a, []ngxCase{
		{source: "proxy.t: proxy with variables to upstream", req: get("/up/echo?up=one", ""), status: 200,
			header: map[string]string{"X-Backend": "b3"}, body: []string{"uri: /up/echo?up=one\n"}},
		{source: "upstream names compare case-insensitively", req: get("/up/echo?up=ONE", ""), status: 200,
			header: map[string]string{"X-Backend": "b3"}},
		{source: "proxy.t: proxy with variables, address and port", req: get("/hdr/echo?a=1", "X-Backend: "+b3+"\r\n"),
			status: 200, header: map[string]string{"X-Backend": "b3"}, body: []string{"uri: /hdr/echo?a=1\n"}},
		{source: "a URI part is sent as is, without the arguments", req: get("/uri/x?a=1", "X-Backend: "+b3+"\r\n"),
			status: 200, body: []string{"uri: /echo\n", "host: " + b3 + "\n"}},
		{source: "a whole URL naming an upstream, with a URI", req: get("/url/", "X-URL: http://one/echo?q\r\n"),
			status: 200, header: map[string]string{"X-Backend": "b3"}, body: []string{"uri: /echo?q\n", "host: one\n"}},
		{source: "a host name without resolver is 502", req: get("/name/echo", "X-Host: app.test\r\n"), status: 502},
		{source: "resolver: a host name looked up at run time", req: get("/resolved/echo", "X-Host: app.test\r\n"),
			status: 200, header: map[string]string{"X-Backend": "b3"}, body: []string{"host: app.test:" + b3Port + "\n"}},
		{source: "resolver: an unknown name is 502", req: get("/resolved/echo", "X-Host: nowhere.test\r\n"), status: 502},
		{source: "an invalid URL prefix is 500", req: get("/url/", "X-URL: ftp://one/\r\n"), status: 500},
		{source: "no host is 500", req: get("/url/", "X-URL: http:///x\r\n"), status: 500},
	})
	for _, line := range []string{
		"no resolver defined to resolve app.test, client: 127.0.0.1",
		"nowhere.test could not be resolved (3: Host not found)",
		`invalid URL prefix in "ftp://one/"`,
		`no host in upstream "/x"`,
	} {
		if !errorLogHas(p, line) {
			t.Errorf("error log lacks %q:\n%s", line, p.stderr.String())
		}
	}
}

// TestRoutingVariableProxyPassSticky: an upstream with session_sticky
// reached through a variable keeps the client on the backend its cookie
// names.
func TestRoutingVariableProxyPassSticky(t *testing.T) {
	t.Parallel()
	a := addr(freePort(t))
	b1, b2, b3 := startDemo(t, "b1"), startDemo(t, "b2"), startDemo(t, "b3")
	startGW(t, fmt.Sprintf(varProxyConfig, a, b1, b2, b3, "1", "127.0.0.1:1"), a)
	first := exchange(t, a, ngxRequest("GET /up/?up=app"))
	i := strings.Index(first.head, "Set-Cookie: route=")
	if i < 0 {
		t.Fatalf("no sticky cookie:\n%s", first.head)
	}
	cookie, _, _ := strings.Cut(first.head[i+len("Set-Cookie: "):], ";")
	backend := headerValue(first.head, "X-Backend")
	req := "GET /up/?up=app HTTP/1.0\r\nHost: localhost\r\nCookie: " + cookie + "\r\n\r\n"
	for range 6 {
		if got := headerValue(exchange(t, a, req).head, "X-Backend"); got != backend {
			t.Fatalf("session on %s moved to %s", backend, got)
		}
	}
}

// startNameServer answers A queries for names on 127.0.0.1 UDP (NXDOMAIN
// for the others, empty answers for other types) until the test ends, and
// returns its address.
func startNameServer(t *testing.T, records map[string]string) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out := dnsAnswer(buf[:n], records); out != nil {
				_, _ = pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

func dnsAnswer(msg []byte, records map[string]string) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	ip, known := records[strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")]
	rh := dnsmessage.Header{ID: h.ID, Response: true, RecursionDesired: true, RecursionAvailable: true}
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	if known && q.Type == dnsmessage.TypeA {
		a := net.ParseIP(ip).To4()
		_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
			dnsmessage.AResource{A: [4]byte(a)})
	}
	out, _ := b.Finish()
	return out
}
