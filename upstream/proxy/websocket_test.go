package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestWebSocketHandshakeAndEcho(t *testing.T) {
	be := wsStartBackend(t, nil, func(c net.Conn, br *bufio.Reader, head string) {
		// The first frame rides in the 101's packet: it must not be lost
		// with the response head's buffer.
		ws101(c, head, wsFrame("welcome", false))
		wsEcho(c, br)
	})
	s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
	// Likewise the client's first frame follows its handshake at once.
	c := s.dial(t, wsHandshake("/chat?room=1", "websocket")+string(wsFrame("early", true)))
	h := c.head(t)
	for name, want := range map[string]string{"Sec-WebSocket-Accept": wsAccept, "Upgrade": "websocket", "Connection": "upgrade", "X-Backend": "ws"} {
		if got, _ := wsHeader(h, name); got != want {
			t.Errorf("client got %s %q, want %q", name, got, want)
		}
	}
	if !strings.HasPrefix(h, "HTTP/1.1 101 Switching Protocols\r\n") || wsCount(h, "Content-Type") != 0 || wsCount(h, "Content-Length") != 0 {
		t.Errorf("101 head:\n%s", h)
	}
	sent := be.head(t)
	if !strings.HasPrefix(sent, "GET /chat?room=1 HTTP/1.1\r\n") {
		t.Errorf("request line: %q (a switch needs HTTP/1.1 whatever proxy_http_version says)", sent)
	}
	if v, _ := wsHeader(sent, "Connection"); v != "upgrade" || wsCount(sent, "Connection") != 1 {
		t.Errorf("backend saw Connection %q:\n%s", v, sent)
	}
	if v, _ := wsHeader(sent, "Upgrade"); v != "websocket" {
		t.Errorf("backend saw Upgrade %q", v)
	}
	if v, _ := wsHeader(sent, "Sec-WebSocket-Key"); v != wsKey {
		t.Errorf("backend saw Sec-WebSocket-Key %q", v)
	}
	c.expect(t, "welcome")
	c.expect(t, "early")
	for _, msg := range []string{"one", "two", strings.Repeat("x", 125)} {
		c.send(t, msg)
		c.expect(t, msg)
	}
	tries := s.g.lastTries()
	if len(tries) != 1 || tries[0].Status != 101 || s.g.codes[0] != 0 {
		t.Errorf("tries %+v, Serve returned %v", tries, s.g.codes)
	}
	if s.conns() != 1 || s.reg.Len() != 1 {
		t.Errorf("during the tunnel: %d requests on the peer, %d tunnels", s.conns(), s.reg.Len())
	}
	_ = c.Close()
	pxEventually(t, func() bool { return s.conns() == 0 && s.reg.Len() == 0 && be.ended.Load() == 1 })
}

func TestSwitchOnTheLastRequestOfAConnection(t *testing.T) {
	// fasthttp marks the answer to a connection's last request (here the
	// first and last: keepalive_requests 1) Connection: close; the 101
	// must not carry it, and the connection must still be spliced.
	be := wsStartBackend(t, nil, wsEchoServer)
	s := wsServeWith(t, func(srv *fasthttp.Server) { srv.MaxRequestsPerConn = 1 },
		"/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
	c := s.dial(t, wsHandshake("/", "websocket"))
	h := c.head(t)
	if v, _ := wsHeader(h, "Connection"); !strings.HasPrefix(h, "HTTP/1.1 101 ") || v != "upgrade" || wsCount(h, "Connection") != 1 {
		t.Fatalf("101 head:\n%s", h)
	}
	c.send(t, "still open")
	c.expect(t, "still open")
}

func TestUpgradeCrossesForWebSocketOrWithTheRecipe(t *testing.T) {
	const recipe = `proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";`
	for _, tc := range []struct {
		name, conf, request string
		tunnel              bool
	}{
		{"websocket without the recipe", "", wsHandshake("/", "websocket"), true},
		{"websocket with the recipe", recipe, wsHandshake("/", "websocket"), true},
		{"recipe with keepalive", recipe + " keepalive_requests 10;", wsHandshake("/", "WebSocket"), true},
		{"another protocol with the recipe", recipe, wsHandshake("/", "tcp"), true},
		{"another protocol without the recipe loses Upgrade", "", wsHandshake("/", "tcp"), false},
		{"Connection must name upgrade", "", strings.Replace(wsHandshake("/", "websocket"), "Connection: Upgrade", "Connection: keep-alive", 1), false},
		{"the recipe does not need it", recipe, strings.Replace(wsHandshake("/", "websocket"), "Connection: Upgrade", "Connection: keep-alive", 1), true},
		{"HTTP/1.0 has no upgrade", recipe, strings.Replace(wsHandshake("/", "websocket"), "HTTP/1.1", "HTTP/1.0", 1), false},
		{"a WebSocket handshake is a GET", "", strings.Replace(wsHandshake("/", "websocket"), "GET", "OPTIONS", 1), false},
		{"no switch with a body", recipe, strings.Replace(wsHandshake("/", "websocket"), "\r\n\r\n", "\r\nContent-Length: 2\r\n\r\nhi", 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := wsStartBackend(t, nil, wsEchoServer)
			s := wsServe(t, "/", `http { upstream u { server %s; keepalive 4; } server { location / { proxy_pass http://u; %s } } }`, be.addr, tc.conf)
			c := s.dial(t, tc.request)
			h := c.head(t)
			sent := be.head(t)
			up, hasUp := wsHeader(sent, "Upgrade")
			if !tc.tunnel {
				if !strings.HasPrefix(h, "HTTP/1.1 200 ") || hasUp {
					t.Fatalf("client got %q; backend saw Upgrade %q", h, up)
				}
				return
			}
			if !strings.HasPrefix(h, "HTTP/1.1 101 ") {
				t.Fatalf("client got %q\n%s", h, s.log)
			}
			if want, _ := wsHeader(tc.request, "Upgrade"); up != want || wsCount(sent, "Upgrade") != 1 || wsCount(sent, "Connection") != 1 {
				t.Errorf("backend saw Upgrade %q, want %q:\n%s", up, want, sent)
			}
			c.send(t, "ping")
			c.expect(t, "ping")
		})
	}
}

func TestTunnelCloseFromEitherSide(t *testing.T) {
	t.Run("client closes", func(t *testing.T) {
		be := wsStartBackend(t, nil, wsEchoServer)
		s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
		c := s.switched(t, "/")
		_ = c.Close()
		pxEventually(t, func() bool { return be.ended.Load() == 1 && s.reg.Len() == 0 && s.conns() == 0 })
	})
	t.Run("backend closes", func(t *testing.T) {
		be := wsStartBackend(t, nil, func(c net.Conn, br *bufio.Reader, head string) {
			ws101(c, head, wsFrame("bye", false))
		})
		s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
		c := s.switched(t, "/")
		c.expect(t, "bye")
		c.expectEOF(t)
		_ = c.Close()
		pxEventually(t, func() bool { return s.reg.Len() == 0 && s.conns() == 0 })
	})
	t.Run("a half-close lets the other way finish", func(t *testing.T) {
		be := wsStartBackend(t, nil, func(c net.Conn, br *bufio.Reader, head string) {
			ws101(c, head, nil)
			got, _ := io.ReadAll(br) // until the client's FIN
			_, _ = c.Write(wsFrame("read "+string(got), false))
		})
		s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
		c := s.switched(t, "/")
		_, _ = io.WriteString(c, "last words")
		if err := c.Conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		c.expect(t, "read last words")
		c.expectEOF(t)
		pxEventually(t, func() bool { return s.reg.Len() == 0 && s.conns() == 0 })
	})
}

func TestUpgradeAnsweredWithoutSwitch(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		status       int
		body         string
	}{
		{"refused with a body", "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden", 403, "forbidden"},
		{"chunked body", "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400, "hello"},
		{"no body", "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n", 426, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := wsStartBackend(t, nil, func(c net.Conn, br *bufio.Reader, head string) {
				_, _ = io.WriteString(c, tc.answer)
				_, _ = io.Copy(io.Discard, br) // until gw closes
			})
			s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
			c := s.dial(t, wsHandshake("/", "websocket"))
			var resp fasthttp.Response
			if err := resp.Read(c.br); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != tc.status || string(resp.Body()) != tc.body {
				t.Errorf("client got %d %q, want %d %q", resp.StatusCode(), resp.Body(), tc.status, tc.body)
			}
			if tries := s.g.lastTries(); len(tries) != 1 || tries[0].Status != tc.status {
				t.Errorf("tries %+v", tries)
			}
			// The handshake's own connection is closed once the answer
			// is through, and no tunnel was opened.
			pxEventually(t, func() bool { return be.ended.Load() == 1 && s.conns() == 0 })
			if s.reg.Len() != 0 {
				t.Error("a tunnel is open")
			}
		})
	}
}

func TestUpgradeNextPeerAfterConnectFailure(t *testing.T) {
	be := wsStartBackend(t, nil, wsEchoServer)
	dead := pxDeadAddr(t)
	s := wsServe(t, "/", `http { upstream u { server %s; server %s; } server { location / { proxy_pass http://u; } } }`, dead, be.addr)
	c := s.switched(t, "/")
	c.send(t, "hi")
	c.expect(t, "hi")
	tries := s.g.lastTries()
	if len(tries) != 2 || tries[0].Status != 502 || tries[1].Status != 101 || tries[1].Addr != be.addr {
		t.Errorf("tries %+v", tries)
	}
	if !s.log.has("connect() failed") {
		t.Errorf("error log: %s", s.log)
	}

	t.Run("nothing answers", func(t *testing.T) {
		s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, pxDeadAddr(t))
		c := s.dial(t, wsHandshake("/", "websocket"))
		if h := c.head(t); !strings.HasPrefix(h, "HTTP/1.1 502 ") {
			t.Errorf("client got %q", h)
		}
	})
	t.Run("no answer within proxy_read_timeout", func(t *testing.T) {
		mute := wsStartBackend(t, nil, func(c net.Conn, br *bufio.Reader, head string) { _, _ = io.Copy(io.Discard, br) })
		s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; proxy_read_timeout 200ms; } } }`, mute.addr)
		c := s.dial(t, wsHandshake("/", "websocket"))
		if h := c.head(t); !strings.HasPrefix(h, "HTTP/1.1 504 ") {
			t.Errorf("client got %q", h)
		}
	})
}

func TestTunnelIdleTimeout(t *testing.T) {
	const conf = `http { server { location / { proxy_pass http://%s; proxy_read_timeout 300ms; } } }`
	t.Run("traffic either way keeps it open", func(t *testing.T) {
		// The backend only listens: the client's frames alone re-arm the
		// timer, as they re-arm nginx's.
		be := wsStartBackend(t, nil, func(c net.Conn, br *bufio.Reader, head string) {
			ws101(c, head, nil)
			_, _ = io.Copy(io.Discard, br)
		})
		s := wsServe(t, "/", conf, be.addr)
		c := s.switched(t, "/")
		for i := 0; i < 8; i++ {
			c.send(t, "tick")
			time.Sleep(100 * time.Millisecond)
		}
		if s.reg.Len() != 1 {
			t.Fatalf("the tunnel closed while the client was talking\n%s", s.log)
		}
	})
	t.Run("silence closes both sides", func(t *testing.T) {
		be := wsStartBackend(t, nil, wsEchoServer)
		s := wsServe(t, "/", conf, be.addr)
		c := s.switched(t, "/")
		start := time.Now()
		c.expectEOF(t)
		if d := time.Since(start); d < 250*time.Millisecond || d > 2*time.Second {
			t.Errorf("closed after %v", d)
		}
		pxEventually(t, func() bool { return be.ended.Load() == 1 && s.reg.Len() == 0 && s.conns() == 0 })
		if !s.log.has("upstream timed out (110: Connection timed out) while proxying upgraded connection") {
			t.Errorf("error log: %s", s.log)
		}
	})
}

func TestTunnelsWaitAndCloseAll(t *testing.T) {
	be := wsStartBackend(t, nil, wsEchoServer)
	s := wsServe(t, "/", `http { server { location / { proxy_pass http://%s; } } }`, be.addr)
	c := s.switched(t, "/")
	if s.reg.Wait(50*time.Millisecond) || s.reg.Len() != 1 {
		t.Fatalf("Wait with an open tunnel: %d open", s.reg.Len())
	}
	done := make(chan bool)
	go func() { done <- s.reg.Wait(5 * time.Second) }()
	c.send(t, "still here")
	c.expect(t, "still here")
	if n := s.reg.CloseAll(); n != 1 {
		t.Errorf("CloseAll closed %d", n)
	}
	if !<-done {
		t.Error("Wait did not see the tunnel end")
	}
	c.expectEOF(t)
	pxEventually(t, func() bool { return be.ended.Load() == 1 && s.conns() == 0 })

	// A handshake after CloseAll (a stop under way) gets no tunnel.
	late := s.dial(t, wsHandshake("/", "websocket"))
	if b, err := late.br.ReadByte(); err == nil {
		t.Errorf("a late handshake got an answer starting %q", b)
	}
	pxEventually(t, func() bool { return s.reg.Len() == 0 && s.conns() == 0 })
}

func TestWebSocketOverTLSUpstream(t *testing.T) {
	be := wsStartBackend(t, wsTLSConfig(t), wsEchoServer)
	s := wsServe(t, "/", `http { server { location / { proxy_pass https://%s; } } }`, be.addr)
	c := s.switched(t, "/")
	c.send(t, "secret")
	c.expect(t, "secret")
	_ = c.Close()
	pxEventually(t, func() bool { return s.reg.Len() == 0 && s.conns() == 0 })
}
