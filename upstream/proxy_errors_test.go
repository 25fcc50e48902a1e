package upstream

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
)

func TestClassifyFailures(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
	writing := &upConn{}
	writing.failedOp.Store(opWrite)
	for _, tc := range []struct {
		name   string
		err    error
		conn   *upConn
		kind   error
		ft     conf.NextUpstream
		line   string // message and phase as logged
		sent   bool
		status int
	}{
		{"connection refused", &dialError{err: refused}, nil, ErrDial, conf.NextError,
			"connect() failed (111: Connection refused) while connecting to upstream", false, 502},
		{"connect timeout", &dialError{err: context.DeadlineExceeded}, nil, ErrTimeout, conf.NextTimeout,
			"upstream timed out (110: Connection timed out) while connecting to upstream", false, 504},
		{"TLS handshake", &dialError{err: errors.New("tls: bad certificate"), handshake: true}, nil, ErrDial, conf.NextError,
			"SSL_do_handshake() failed (tls: bad certificate) while SSL handshaking to upstream", false, 502},
		{"read timeout", fasthttp.ErrTimeout, &upConn{}, ErrTimeout, conf.NextTimeout,
			"upstream timed out (110: Connection timed out) while reading response header from upstream", true, 504},
		{"write timeout", os.ErrDeadlineExceeded, writing, ErrTimeout, conf.NextTimeout,
			"upstream timed out (110: Connection timed out) while sending request to upstream", true, 504},
		{"broken pipe while sending", reset, writing, errBroken, conf.NextError,
			"writev() failed (32: Broken pipe) while sending request to upstream", true, 502},
		{"closed before the header", fasthttp.ErrConnectionClosed, &upConn{}, errBroken, conf.NextError,
			"upstream prematurely closed connection while reading response header from upstream", true, 502},
		{"header too big", &fasthttp.ErrSmallBuffer{}, &upConn{}, errInvalidHeader, conf.NextInvalidHeader,
			"upstream sent too big header while reading response header from upstream", true, 502},
		{"garbage header", fmt.Errorf("error when reading response headers: %w", errors.New("cannot find http version")),
			&upConn{}, errInvalidHeader, conf.NextInvalidHeader,
			"upstream sent invalid header while reading response header from upstream", true, 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := classify(tc.err, tc.conn)
			line := f.msg
			if f.errno != 0 {
				line = string(appendErrno(append([]byte(line), ' '), f.errno))
			}
			line += " while " + f.phase
			if f.kind != tc.kind || f.ft != tc.ft || line != tc.line || f.sent != tc.sent || f.status() != tc.status {
				t.Errorf("got %v %v %q sent=%v %d\nwant %v %v %q sent=%v %d",
					f.kind, f.ft, line, f.sent, f.status(), tc.kind, tc.ft, tc.line, tc.sent, tc.status)
			}
		})
	}
}
