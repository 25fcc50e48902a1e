package fastserver

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/gw-proxy/gw/conf"
)

func TestNewTakesTheDefaultServersSettings(t *testing.T) {
	st := &conf.Settings{
		ClientHeaderTimeout:      7 * time.Second,
		KeepaliveTimeout:         9 * time.Second,
		KeepaliveRequests:        11,
		LargeClientHeaderBuffers: conf.Buffers{Number: 2, Size: 1 << 10},
	}
	srv := New(st, Hooks{})
	// The client timeouts are edge's (its table's reaper): fasthttp's
	// would cost two deadline updates per request. keepalive_requests
	// is counted by edge.Conn, whose count survives parking.
	if srv.ReadTimeout != 0 || srv.IdleTimeout != 0 || srv.WriteTimeout != 0 ||
		srv.MaxRequestsPerConn != 0 || srv.ReadBufferSize != 2<<10 {
		t.Errorf("read %v, idle %v, write %v, requests %d, buffer %d", srv.ReadTimeout, srv.IdleTimeout,
			srv.WriteTimeout, srv.MaxRequestsPerConn, srv.ReadBufferSize)
	}
}

// The refusal of ambiguous requests is edge's, wired in by New whatever
// the hooks: a test serving through New sees the checks gw makes.
func TestNewRefusesAmbiguousRequestsThroughTheErrorHandler(t *testing.T) {
	var handled atomic.Bool
	refused := make(chan error, 1)
	srv := New(&conf.Settings{LargeClientHeaderBuffers: conf.Buffers{Number: 4, Size: 8 << 10}}, Hooks{
		Handler: func(*fasthttp.RequestCtx) { handled.Store(true) },
		ErrorHandler: func(ctx *fasthttp.RequestCtx, err error) {
			refused <- err
			ctx.SetStatusCode(fasthttp.StatusBadRequest)
		},
		Logger: quiet{},
	})
	ln := fasthttputil.NewInmemoryListener()
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { _ = ln.Close() })
	c, err := ln.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if !strings.HasPrefix(status, "HTTP/1.1 400 ") || handled.Load() || len(refused) != 1 {
		t.Errorf("status line %q, handled %v, error handler called %d times", status, handled.Load(), len(refused))
	}
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
