package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pxAWhile is how long a test gives gw to do what it must not: the one
// place where a fixed wait is the point.
func pxAWhile() <-chan time.Time { return time.After(100 * time.Millisecond) }

// pxWithin waits for ch, failing the test after 5s.
func pxWithin(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s within 5s", what)
	}
}

// The bounds of what gw reads into memory: a request body of known length
// up to client_body_buffer_size (8k here, more than fasthttp's 4 KiB
// write buffer, which would hide streaming) is read before the first try,
// one byte more streams; a response body up to bufferedRespMax (64 KiB) is read at
// once, one byte more streams.
func TestBodiesReadIntoMemoryAreBounded(t *testing.T) {
	if bufferedRespMax != 64<<10 {
		t.Errorf("bufferedRespMax is %d, the documented bound is 64 KiB", bufferedRespMax)
	}
	for _, tc := range []struct {
		size     int
		streamed bool
	}{{8 << 10, false}, {8<<10 + 1, true}} {
		t.Run(fmt.Sprintf("request body of %d bytes, buffer 8k", tc.size), func(t *testing.T) {
			heads := make(chan struct{}, 1)
			be := pxRawBackend(t, func(c net.Conn) {
				defer c.Close()
				br := bufio.NewReader(c)
				if _, err := pxReadHead(br); err != nil {
					return
				}
				heads <- struct{}{}
				_, _ = io.CopyN(io.Discard, br, int64(tc.size))
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			})
			s := pxBuild(t, nil, "/", `http { server { client_body_buffer_size 8k;
				location / { proxy_pass http://%s; } } }`, be)
			g := pxServe(t, s.p)
			c, err := g.ln.DialWithLocalAddr(pxClientAddr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			body := strings.Repeat("x", tc.size)
			_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: "+strconv.Itoa(tc.size)+"\r\n\r\n"+body[:tc.size-1])
			if tc.streamed {
				pxWithin(t, heads, "request upstream before its last byte")
			} else {
				select {
				case <-heads:
					t.Fatal("a body within client_body_buffer_size was not read first")
				case <-pxAWhile():
				}
			}
			_, _ = io.WriteString(c, body[tc.size-1:])
			if head, err := pxReadHead(bufio.NewReader(c)); err != nil || !strings.HasPrefix(head, "HTTP/1.1 200") {
				t.Fatalf("response %q %v", head, err)
			}
		})
	}
	for _, tc := range []struct {
		size     int
		streamed bool
	}{{bufferedRespMax, false}, {bufferedRespMax + 1, true}} {
		t.Run(fmt.Sprintf("response body of %d bytes", tc.size), func(t *testing.T) {
			last := make(chan struct{})
			be := pxRawBackend(t, func(c net.Conn) {
				defer c.Close()
				if _, err := pxReadHead(bufio.NewReader(c)); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(tc.size)+"\r\n\r\n"+strings.Repeat("x", tc.size-1))
				<-last
				_, _ = io.WriteString(c, "x")
			})
			s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://%s; } } }`, be)
			g := pxServe(t, s.p)
			c, err := g.ln.DialWithLocalAddr(pxClientAddr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: gw\r\n\r\n")
			got := make(chan struct{})
			go func() {
				if _, err := pxReadHead(bufio.NewReader(c)); err == nil {
					close(got)
				}
			}()
			if tc.streamed {
				pxWithin(t, got, "response header before its last byte")
				close(last)
				return
			}
			select {
			case <-got:
				t.Fatal("a response within bufferedRespMax was not read whole first")
			case <-pxAWhile():
			}
			close(last)
			pxWithin(t, got, "response header")
		})
	}
}
