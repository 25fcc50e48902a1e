package tests

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawClient is one client connection driven byte for byte, for the cases
// a well-behaved HTTP library cannot send: conflicting framing, bare LF,
// folded headers, requests split across pauses.
type rawClient struct {
	c  net.Conn
	br *bufio.Reader
}

// rawResponse is one response as read off the wire.
type rawResponse struct {
	status int
	proto  string
	head   string // status line and header lines, CRLFs kept
	body   string
}

func dialRaw(t *testing.T, a string) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", a, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{c: c, br: bufio.NewReader(c)}
}

// send writes raw bytes as they are.
func (rc *rawClient) send(t *testing.T, raw string) {
	t.Helper()
	_ = rc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(rc.c, raw); err != nil {
		t.Fatalf("sending %q: %v", short(raw), err)
	}
}

// read reads one response within d. A HEAD response has no body. The
// error is non-nil when the connection closed (or timed out) before a
// whole response arrived.
func (rc *rawClient) read(d time.Duration, head bool) (rawResponse, error) {
	_ = rc.c.SetReadDeadline(time.Now().Add(d))
	var r rawResponse
	hdr, err := readHead(rc.br)
	if err != nil {
		return r, err
	}
	r.head = hdr
	line := firstLine(hdr)
	proto, rest, _ := strings.Cut(line, " ")
	r.proto = proto
	code, _, _ := strings.Cut(rest, " ")
	if r.status, err = strconv.Atoi(code); err != nil {
		return r, errors.New("bad status line " + strconv.Quote(line))
	}
	if head || r.status == 204 || r.status == 304 || r.status < 200 {
		return r, nil
	}
	switch {
	case strings.EqualFold(headerValue(hdr, "Transfer-Encoding"), "chunked"):
		r.body, err = readChunked(rc.br)
	case headerValue(hdr, "Content-Length") != "":
		n, perr := strconv.Atoi(headerValue(hdr, "Content-Length"))
		if perr != nil {
			return r, perr
		}
		buf := make([]byte, n)
		_, err = io.ReadFull(rc.br, buf)
		r.body = string(buf)
	default:
		var b []byte
		b, err = io.ReadAll(rc.br)
		r.body = string(b)
	}
	return r, err
}

// mustRead is read that fails the test when no whole response arrives.
func (rc *rawClient) mustRead(t *testing.T, head bool) rawResponse {
	t.Helper()
	r, err := rc.read(5*time.Second, head)
	if err != nil {
		t.Fatalf("reading a response: %v (so far %q)", err, r.head)
	}
	return r
}

// closedWithin reports whether the server closed the connection (EOF or
// reset) within d, with nothing more sent.
func (rc *rawClient) closedWithin(d time.Duration) bool {
	_ = rc.c.SetReadDeadline(time.Now().Add(d))
	b, err := rc.br.ReadByte()
	if err == nil {
		rc.br.UnreadByte()
		_ = b
		return false
	}
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// readChunked reads a chunked body and its trailer section.
func readChunked(br *bufio.Reader) (string, error) {
	var body strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return body.String(), err
		}
		size, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil {
			return body.String(), err
		}
		if n == 0 {
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == "\r\n" || l == "\n" {
					return body.String(), err
				}
			}
		}
		if _, err := io.CopyN(&body, br, n); err != nil {
			return body.String(), err
		}
		if _, err := br.Discard(2); err != nil {
			return body.String(), err
		}
	}
}

// short trims a raw request for failure messages.
func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}
