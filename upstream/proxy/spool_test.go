package proxy

import (
	"bufio"
	"hash/crc32"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

// pxPattern is a body of n bytes made as it is read, byte i being i mod
// 251, so that a byte lost, repeated or moved changes its CRC-32. at, if
// set, runs once half way through.
type pxPattern struct {
	n, off int64
	crc    uint32
	at     func()
	once   sync.Once
}

func (b *pxPattern) Read(p []byte) (int, error) {
	if b.off == b.n {
		return 0, io.EOF
	}
	if b.at != nil && b.off >= b.n/2 {
		b.once.Do(b.at)
	}
	p = p[:min(int64(len(p)), b.n-b.off)]
	for i := range p {
		p[i] = byte((b.off + int64(i)) % 251)
	}
	b.crc = crc32.Update(b.crc, crc32.IEEETable, p)
	b.off += int64(len(p))
	return len(p), nil
}

// pxReceived is what a checksumming backend saw of one request.
type pxReceived struct {
	proto, framing string
	n              int64
	crc            uint32
}

// pxSumBackend answers 200 to every request after streaming its body
// through a CRC-32, and records its framing, length and sum.
func pxSumBackend(t *testing.T) (string, *[]pxReceived, *sync.Mutex) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []pxReceived
	srv := &fasthttp.Server{
		StreamRequestBody: true,
		Logger:            pxQuiet{},
		Handler: func(ctx *fasthttp.RequestCtx) {
			sum := crc32.NewIEEE()
			n, _ := io.Copy(sum, ctx.RequestBodyStream())
			framing := string(ctx.Request.Header.Peek("Transfer-Encoding"))
			if cl := ctx.Request.Header.Peek("Content-Length"); len(cl) > 0 {
				framing = "content-length " + string(cl)
			}
			mu.Lock()
			seen = append(seen, pxReceived{string(ctx.Request.Header.Protocol()), framing, n, sum.Sum32()})
			mu.Unlock()
			ctx.SetBodyString("stored")
		},
	}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String(), &seen, &mu
}

// pxUpload sends body chunked (its length unknown) and returns the status.
func pxUpload(t *testing.T, g *pxGateway, method string, body io.Reader) int {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI("http://gw/upload")
	req.SetBodyStream(body, -1)
	if err := g.client(false).Do(req, resp); err != nil {
		return 0 // gw closed the connection on an oversized body
	}
	return resp.StatusCode()
}

// pxSpooled lists this process's open files that were unlinked from dir:
// the spooled bodies.
func pxSpooled(dir string) []string {
	fds, _ := os.ReadDir("/proc/self/fd")
	var open []string
	for _, fd := range fds {
		target, err := os.Readlink("/proc/self/fd/" + fd.Name())
		if err == nil && strings.HasPrefix(target, dir+"/") && strings.HasSuffix(target, " (deleted)") {
			open = append(open, "/proc/self/fd/"+fd.Name())
		}
	}
	return open
}

func TestChunkedUploadToHTTP10IsSpooled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int64
		file  bool // the body goes through a temporary file
		extra string
	}{
		{"empty body", 0, false, ""},
		{"within client_body_buffer_size stays in memory", 16 << 10, false, ""},
		{"beyond it goes through a file", 16<<10 + 1, true, ""},
		{"large body", 24 << 20, true, ""},
		{"a small buffer spools through a page", 1 << 20, true, "client_body_buffer_size 0;"},
		{"a large buffer keeps more in memory", 1 << 20, false, "client_body_buffer_size 2m;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, seen, mu := pxSumBackend(t)
			s := pxBuild(t, nil, "/", `http { server { client_max_body_size 0; %s
				location / { proxy_pass http://%s; } } }`, tc.extra, addr)
			g := pxServe(t, s.p)
			body := &pxPattern{n: tc.size}
			var during []string
			var mode fs.FileMode
			body.at = func() {
				during = pxSpooled(s.p.tempPath)
				if len(during) == 1 {
					if fi, err := os.Stat(during[0]); err == nil {
						mode = fi.Mode()
					}
				}
			}
			var status int
			rise := pxHeapPeak(func() { status = pxUpload(t, g, "POST", body) })
			mu.Lock()
			defer mu.Unlock()
			want := pxReceived{"HTTP/1.0", "content-length " + strconv.FormatInt(tc.size, 10), tc.size, body.crc}
			if status != 200 || len(*seen) != 1 || (*seen)[0] != want {
				t.Fatalf("status %d, backend saw %+v, want %+v\n%s", status, *seen, want, s.log)
			}
			// Half way through a large body gw has a file open, and it
			// has no name.
			if tc.file && tc.size >= 1<<20 && (len(during) != 1 || mode != 0o600) {
				t.Errorf("while spooling: open unlinked files %q, mode %v; want one, 0600", during, mode)
			}
			// The directory is made when the first file is needed.
			fi, err := os.Stat(s.p.tempPath)
			if !tc.file && !os.IsNotExist(err) {
				t.Errorf("a body in memory made %s: %v", s.p.tempPath, err)
			}
			if tc.file && (err != nil || fi.Mode().Perm() != 0o700) {
				t.Errorf("client_body_temp_path made as %v, %v; want 0700", fi, err)
			}
			if tc.size > 8<<20 && rise > 4<<20 && !raceEnabled {
				t.Errorf("heap grew by %d KiB while spooling %d MiB", rise>>10, tc.size>>20)
			}
			if es, _ := os.ReadDir(s.p.tempPath); len(es) != 0 {
				t.Errorf("%s holds %v", s.p.tempPath, es)
			}
			pxEventually(t, func() bool { return len(pxSpooled(s.p.tempPath)) == 0 })
		})
	}
}

// pxCloseAfterBody is a peer that reads a whole request, body included,
// then closes the connection without answering.
func pxCloseAfterBody(t *testing.T) string {
	return pxRawBackend(t, func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		head, err := pxReadHead(br)
		if err != nil {
			return
		}
		for _, line := range strings.Split(head, "\r\n") {
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				_, _ = io.CopyN(io.Discard, br, n)
			}
		}
	})
}

func TestSpooledBodyIsSentAgainFromItsStart(t *testing.T) {
	for _, tc := range []struct {
		name, first, method string
	}{
		{"first peer refuses the connection", pxDeadAddr(t), "POST"},
		{"first peer reads the body and closes", pxCloseAfterBody(t), "PUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, seen, mu := pxSumBackend(t)
			s := pxBuild(t, nil, "/", `http { upstream u { server %s; server %s; }
				server { client_max_body_size 0; location / { proxy_pass http://u; } } }`, tc.first, addr)
			g := pxServe(t, s.p)
			body := &pxPattern{n: 4 << 20}
			if status := pxUpload(t, g, tc.method, body); status != 200 {
				t.Fatalf("status %d\n%s", status, s.log)
			}
			mu.Lock()
			defer mu.Unlock()
			want := pxReceived{"HTTP/1.0", "content-length 4194304", 4 << 20, body.crc}
			if len(*seen) != 1 || (*seen)[0] != want {
				t.Fatalf("second peer saw %+v, want %+v\n%s", *seen, want, s.log)
			}
			if tries := g.lastTries(); len(tries) != 2 {
				t.Errorf("tries %+v, want two", tries)
			}
			pxEventually(t, func() bool { return len(pxSpooled(s.p.tempPath)) == 0 })
		})
	}
}

func TestSpoolingHonoursClientMaxBodySize(t *testing.T) {
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { server { client_max_body_size 64k;
		location / { proxy_pass http://%s; } } }`, be.addr)
	g := pxServe(t, s.p)
	// Past the 16k buffer, the body is in a file when it crosses the limit.
	if status := pxUpload(t, g, "POST", &pxPattern{n: 200 << 10}); status != 413 && status != 0 {
		t.Errorf("status %d, want 413", status)
	}
	if !s.log.has("client intended to send too large body") || be.count() != 0 {
		t.Errorf("backend saw %d requests; log:\n%s", be.count(), s.log)
	}
	pxEventually(t, func() bool { return len(pxSpooled(s.p.tempPath)) == 0 })
	if status := pxUpload(t, g, "POST", &pxPattern{n: 64 << 10}); status != 200 {
		t.Errorf("a body at the limit: status %d\n%s", status, s.log)
	}
}

func TestSpoolFailureIs500(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	be := pxStartBackend(t, nil)
	s := pxBuild(t, nil, "/", `http { server { client_body_temp_path %s;
		location / { proxy_pass http://%s; } } }`, notDir, be.addr)
	g := pxServe(t, s.p)
	chunk := strings.Repeat("x", 100<<10)
	head, _ := g.raw(t, "POST / HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"+
		strconv.FormatInt(int64(len(chunk)), 16)+"\r\n"+chunk+"\r\n0\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 500") {
		t.Errorf("response %q, want 500", head)
	}
	if !s.log.has(`open() "`+notDir+"/") || !s.log.has(`" failed (20: Not a directory), client: 127.0.0.1`) || be.count() != 0 {
		t.Errorf("backend saw %d requests; log:\n%s", be.count(), s.log)
	}
	// A body that fits in memory never needs the file.
	if status := pxUpload(t, g, "POST", &pxPattern{n: 1000}); status != 200 {
		t.Errorf("a small body: status %d\n%s", status, s.log)
	}
}

func TestSpoolFailedLogsNginxsLine(t *testing.T) {
	s := pxBuild(t, nil, "/", `http { server { location / { proxy_pass http://127.0.0.1:1; } } }`)
	var ctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.Header.SetMethod("POST")
	req.SetRequestURI("/up")
	ctx.Init(&req, pxClientAddr, nil)
	x := acquireExchange(s.p, &ctx, &vars.Request{Ctx: &ctx, ServerName: "s"})
	defer x.release()
	err := &fs.PathError{Op: "write", Path: "/t/0123456789", Err: syscall.ENOSPC}
	if status := x.spoolFailed("pwrite()", "/t/0123456789", err); status != 500 {
		t.Errorf("status %d, want 500", status)
	}
	want := `pwrite() "/t/0123456789" failed (28: No space left on device), client: 127.0.0.1, server: s, request: "POST /up HTTP/1.1"`
	if !s.log.has(want) {
		t.Errorf("log %s\nwant %s", s.log, want)
	}
}
