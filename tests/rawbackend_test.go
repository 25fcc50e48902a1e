package tests

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gw-proxy/gw/upstream/transport/transporttest"
)

// rawBackend is a loopback HTTP/1.1 server written against the socket, so
// tests see the request exactly as gw sent it (header-name case, URI bytes,
// hop-by-hop headers) and can count connections.
type rawBackend struct {
	ln    net.Listener
	conns atomic.Int64

	mu       sync.Mutex
	requests []string // raw request heads in arrival order

	// respond writes the answer to one request head; nil answers 200 "ok"
	// and honours Connection: close.
	respond func(head string, w io.Writer) (keepAlive bool)
}

func startRawBackend(t *testing.T) *rawBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &rawBackend{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go b.accept()
	return b
}

func (b *rawBackend) addr() string { return b.ln.Addr().String() }

func (b *rawBackend) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.conns.Add(1)
		go b.serve(c)
	}
}

// serve reads requests (head and Content-Length or chunked body) until the client or
// the answer closes the connection.
func (b *rawBackend) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		head, err := readHead(r)
		if err != nil {
			return
		}
		if strings.EqualFold(headerValue(head, "Transfer-Encoding"), "chunked") {
			if _, err := readChunked(r); err != nil {
				return
			}
		} else if n := contentLength(head); n > 0 {
			if _, err := io.CopyN(io.Discard, r, n); err != nil {
				return
			}
		}
		b.mu.Lock()
		b.requests = append(b.requests, head)
		b.mu.Unlock()
		respond := b.respond
		if respond == nil {
			respond = okResponder
		}
		if !respond(head, c) {
			return
		}
	}
}

// okResponder answers 200 "ok", keeping the connection unless the request
// asked to close it or is HTTP/1.0 without keep-alive.
func okResponder(head string, w io.Writer) bool {
	closeIt := headerValue(head, "Connection") == "close" ||
		(strings.Contains(firstLine(head), "HTTP/1.0") && !strings.EqualFold(headerValue(head, "Connection"), "keep-alive"))
	resp := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	if closeIt {
		resp += "Connection: close\r\n"
	}
	io.WriteString(w, resp+"\r\nok")
	return !closeIt
}

// lastRequest returns the most recent request head, waiting briefly.
func (b *rawBackend) lastRequest(t *testing.T) string {
	t.Helper()
	var head string
	waitFor(t, "a request at the raw backend", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.requests) > 0 {
			head = b.requests[len(b.requests)-1]
		}
		return head != ""
	})
	return head
}

func readHead(r *bufio.Reader) (string, error) {
	var buf bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		buf.WriteString(line)
		if line == "\r\n" || line == "\n" {
			return buf.String(), nil
		}
	}
}

func firstLine(head string) string {
	line, _, _ := strings.Cut(head, "\r\n")
	return line
}

// headerValue returns the first value of a header in a raw head,
// matching the name case-insensitively.
func headerValue(head, name string) string {
	for _, line := range strings.Split(head, "\r\n")[1:] {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func hasHeader(head, name string) bool {
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if k, _, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return true
		}
	}
	return false
}

func contentLength(head string) int64 {
	n, _ := strconv.ParseInt(headerValue(head, "Content-Length"), 10, 64)
	return n
}

// hangingBackend accepts connections and never answers: the upstream that
// proxy_read_timeout exists for.
func hangingBackend(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go io.Copy(io.Discard, c)
		}
	}()
	return ln.Addr().String()
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string { return transporttest.DeadAddr(t) }
