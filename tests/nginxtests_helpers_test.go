package tests

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"testing"
	"time"
)

// The nginxtests_*_test.go files restate cases of nginx's own test suite
// (github.com/nginx/nginx-tests) as gw cases: the same situation and the
// same expected answer, written afresh in Go against the gw binary. nginx's
// behaviour is the contract unless the README marks a [gw] difference, and
// such a case says so in its source.

// ngxCase is one request and what its answer must hold.
type ngxCase struct {
	source string // nginx-tests file and test name, plus any [gw] note
	// req is a raw request, or "METHOD URI" for nginx-tests' http_get:
	// HTTP/1.0 with "Host: localhost".
	req    string
	status int // 0: any
	// header maps a header name to a substring its value must contain;
	// "-" means the header must be absent.
	header map[string]string
	// head lists substrings of the raw status line and headers ("!": must
	// not be there), for what the header map cannot say: repeated
	// headers, exact values.
	head []string
	// body lists substrings the body must contain; one starting with "!"
	// must not be in it, one starting with "=" is the whole body.
	body []string
}

// ngxRequest expands the "METHOD URI" shorthand the way nginx-tests'
// http_get sends a request.
func ngxRequest(req string) string {
	if strings.Contains(req, "\r\n") {
		return req
	}
	return req + " HTTP/1.0\r\nHost: localhost\r\n\r\n"
}

// exchange sends one raw request on a new connection and reads the answer.
func exchange(t *testing.T, a, raw string) rawResponse {
	t.Helper()
	rc := dialRaw(t, a)
	rc.send(t, raw)
	r, err := rc.read(5*time.Second, strings.HasPrefix(raw, "HEAD "))
	if err != nil && err != io.EOF && r.status == 0 {
		t.Fatalf("%q: no answer: %v", short(raw), err)
	}
	return r
}

// runNgxCases runs each case against gw at a, one subtest per case.
func runNgxCases(t *testing.T, a string, cases []ngxCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.source, func(t *testing.T) {
			r := exchange(t, a, ngxRequest(c.req))
			checkNgx(t, c, r)
		})
	}
}

// checkNgx compares one answer with what the case expects.
func checkNgx(t *testing.T, c ngxCase, r rawResponse) {
	t.Helper()
	if c.status != 0 && r.status != c.status {
		t.Fatalf("status %d, want %d\n%s%s", r.status, c.status, r.head, r.body)
	}
	for name, want := range c.header {
		got, present := headerValue(r.head, name), hasHeader(r.head, name)
		switch {
		case want == "-" && present:
			t.Errorf("header %s: %q, want it absent", name, got)
		case want != "-" && (!present || !strings.Contains(got, want)):
			t.Errorf("header %s: %q, want %q in it\n%s", name, got, want, r.head)
		}
	}
	for _, want := range c.head {
		if not, ok := strings.CutPrefix(want, "!"); ok {
			if strings.Contains(r.head, not) {
				t.Errorf("head holds %q:\n%s", not, r.head)
			}
		} else if !strings.Contains(r.head, want) {
			t.Errorf("head lacks %q:\n%s", want, r.head)
		}
	}
	for _, want := range c.body {
		if whole, ok := strings.CutPrefix(want, "="); ok {
			if r.body != whole {
				t.Errorf("body %q, want %q", r.body, whole)
			}
		} else if not, ok := strings.CutPrefix(want, "!"); ok {
			if strings.Contains(r.body, not) {
				t.Errorf("body %q holds %q", r.body, not)
			}
		} else if !strings.Contains(r.body, want) {
			t.Errorf("body %q lacks %q", r.body, want)
		}
	}
}

// tally sends n requests one after another and counts the answers by the
// value of header (nginx-tests' "many"), rendered as nginx-tests renders
// it: "A: 15, B: 15" in the order of names; a name with no answer is left
// out.
func tally(t *testing.T, a, uri, header string, n int, names ...string) string {
	t.Helper()
	counts := map[string]int{}
	for range n {
		r := exchange(t, a, ngxRequest("GET "+uri))
		counts[headerValue(r.head, header)]++
	}
	return renderTally(counts, names)
}

// renderTally renders counts in the order of names, then any others sorted.
func renderTally(counts map[string]int, names []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
		if counts[n] > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", n, counts[n]))
		}
	}
	var rest []string
	for n := range counts {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		parts = append(parts, fmt.Sprintf("%s: %d", n, counts[n]))
	}
	return strings.Join(parts, ", ")
}

// startOneShot starts a loopback backend in the manner of nginx-tests'
// Perl daemons: one request per connection, the body of an announced
// length read, then serve writes whatever it likes (nothing at all is a
// dropped request) and the connection is closed, which ends a response
// that has no length.
func startOneShot(t *testing.T, serve func(head, body string, w io.Writer)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(c)
				head, err := readHead(br)
				if err != nil {
					return
				}
				buf := make([]byte, contentLength(head))
				if _, err := io.ReadFull(br, buf); err != nil {
					return
				}
				serve(head, string(buf), c)
			}()
		}
	}()
	return ln.Addr().String()
}

// requestURI is the target of a raw request head.
func requestURI(head string) string {
	f := strings.Fields(firstLine(head))
	if len(f) < 2 {
		return ""
	}
	return f[1]
}
