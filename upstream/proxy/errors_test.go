package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
)

func TestClassifyFailures(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
	// A connection whose last failed operation was a write.
	closed, other := net.Pipe()
	closed.Close()
	other.Close()
	writing := &transport.Conn{Conn: closed}
	if _, err := writing.Write([]byte("x")); err == nil {
		t.Fatal("a write on a closed pipe succeeded")
	}
	for _, tc := range []struct {
		name   string
		err    error
		conn   *transport.Conn
		kind   error
		ft     conf.NextUpstream
		line   string // message and phase as logged
		sent   bool
		status int
	}{
		{"connection refused", &transport.DialError{Err: refused}, nil, upstream.ErrDial, conf.NextError,
			"connect() failed (111: Connection refused) while connecting to upstream", false, 502},
		{"connect timeout", &transport.DialError{Err: context.DeadlineExceeded}, nil, upstream.ErrTimeout, conf.NextTimeout,
			"upstream timed out (110: Connection timed out) while connecting to upstream", false, 504},
		{"TLS handshake", &transport.DialError{Err: errors.New("tls: bad certificate"), Handshake: true}, nil, upstream.ErrDial, conf.NextError,
			"SSL_do_handshake() failed (tls: bad certificate) while SSL handshaking to upstream", false, 502},
		{"read timeout", fasthttp.ErrTimeout, &transport.Conn{}, upstream.ErrTimeout, conf.NextTimeout,
			"upstream timed out (110: Connection timed out) while reading response header from upstream", true, 504},
		{"write timeout", os.ErrDeadlineExceeded, writing, upstream.ErrTimeout, conf.NextTimeout,
			"upstream timed out (110: Connection timed out) while sending request to upstream", true, 504},
		{"broken pipe while sending", reset, writing, errBroken, conf.NextError,
			"writev() failed (32: Broken pipe) while sending request to upstream", true, 502},
		{"closed before the header", fasthttp.ErrConnectionClosed, &transport.Conn{}, errBroken, conf.NextError,
			"upstream prematurely closed connection while reading response header from upstream", true, 502},
		{"header refused by gw's check", &transport.HeadError{Msg: `upstream sent invalid header: "X\x20..."`}, &transport.Conn{},
			errInvalidHeader, conf.NextInvalidHeader, `upstream sent invalid header: "X\x20..." while reading response header from upstream`, true, 502},
		{"header too big", &fasthttp.ErrSmallBuffer{}, &transport.Conn{}, errInvalidHeader, conf.NextInvalidHeader,
			"upstream sent too big header while reading response header from upstream", true, 502},
		{"garbage header", fmt.Errorf("error when reading response headers: %w", errors.New("cannot find http version")),
			&transport.Conn{}, errInvalidHeader, conf.NextInvalidHeader,
			"upstream sent invalid header while reading response header from upstream", true, 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := classify(tc.err, tc.conn)
			line := f.msg
			if f.errno != 0 {
				line = string(transport.AppendErrno(append([]byte(line), ' '), f.errno))
			}
			line += " while " + f.phase
			if f.kind != tc.kind || f.ft != tc.ft || line != tc.line || f.sent != tc.sent || f.status() != tc.status {
				t.Errorf("got %v %v %q sent=%v %d\nwant %v %v %q sent=%v %d",
					f.kind, f.ft, line, f.sent, f.status(), tc.kind, tc.ft, tc.line, tc.sent, tc.status)
			}
		})
	}
}
