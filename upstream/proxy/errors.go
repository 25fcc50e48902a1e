package proxy

import (
	"errors"
	"io"
	"strings"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
)

// failure is what went wrong on one try, in the terms proxy_next_upstream
// and the error log use.
type failure struct {
	// kind is the typed error of errors.go (ErrDial, ErrTimeout) or one of
	// the proxy's own below; the status is decided from it at the edge.
	kind  error
	ft    conf.NextUpstream // NextError, NextTimeout or NextInvalidHeader
	phase string            // "connecting to upstream", ...
	msg   string            // nginx's words: "connect() failed", "upstream timed out"
	errno syscall.Errno     // 0 when the cause has none
	sent  bool              // the request was (at least partly) sent
	err   error
}

// The proxy's failure kinds beside ErrDial and ErrTimeout.
var (
	// errInvalidHeader: the response header could not be read as HTTP
	// (proxy_next_upstream invalid_header).
	errInvalidHeader = errors.New("upstream sent invalid header")
	// errBroken: the connection failed after it was established.
	errBroken = errors.New("upstream connection failed")
)

// status is the answer gw gives when this failure ends the request.
func (f *failure) status() int { return statusOf(f.kind) }

// statusOf decides the status of a typed error at the edge, as
// ngx_http_upstream_next does: 504 for a timeout, 502 for the rest
// (ErrNoLivePeers, ErrDial, a broken connection, an invalid header).
func statusOf(kind error) int {
	if errors.Is(kind, upstream.ErrTimeout) {
		return fasthttp.StatusGatewayTimeout
	}
	return fasthttp.StatusBadGateway
}

// The phases of a try, as nginx's error log names them.
const (
	phaseConnect   = "connecting to upstream"
	phaseHandshake = "SSL handshaking to upstream"
	phaseSend      = "sending request to upstream"
	phaseHeader    = "reading response header from upstream"
	phaseBody      = "reading upstream"
)

// classify turns the error of roundTrip into a failure. conn is the
// connection the try used, nil when none was established.
func classify(err error, conn *transport.Conn) failure {
	var de *transport.DialError
	if errors.As(err, &de) {
		f := failure{kind: upstream.ErrDial, ft: conf.NextError, phase: phaseConnect, msg: upstream.ErrDial.Error(), err: err}
		if de.Handshake {
			f.phase, f.msg = phaseHandshake, "SSL_do_handshake() failed ("+de.Err.Error()+")"
		}
		if transport.IsTimeout(de.Err) {
			f.kind, f.ft, f.msg, f.errno = upstream.ErrTimeout, conf.NextTimeout, upstream.ErrTimeout.Error(), syscall.ETIMEDOUT
		} else {
			f.errno = transport.ErrnoOf(de.Err)
		}
		return f
	}
	f := failure{kind: errBroken, ft: conf.NextError, phase: phaseHeader, sent: true, err: err}
	if conn != nil && conn.FailedWrite() {
		f.phase = phaseSend
	}
	var small *fasthttp.ErrSmallBuffer
	var head *transport.HeadError
	switch {
	case errors.As(err, &head):
		f.kind, f.ft, f.msg = errInvalidHeader, conf.NextInvalidHeader, head.Msg
	case transport.IsTimeout(err):
		f.kind, f.ft, f.msg, f.errno = upstream.ErrTimeout, conf.NextTimeout, upstream.ErrTimeout.Error(), syscall.ETIMEDOUT
	case errors.As(err, &small):
		f.kind, f.ft, f.msg = errInvalidHeader, conf.NextInvalidHeader, "upstream sent too big header"
	case transport.ErrnoOf(err) != 0:
		f.errno = transport.ErrnoOf(err)
		f.msg = "recv() failed"
		if f.phase == phaseSend {
			f.msg = "writev() failed"
		}
	case errors.Is(err, fasthttp.ErrConnectionClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		f.msg = "upstream prematurely closed connection"
	case strings.HasPrefix(err.Error(), "error when reading response headers"):
		f.kind, f.ft, f.msg = errInvalidHeader, conf.NextInvalidHeader, errInvalidHeader.Error()
	default:
		f.msg = "upstream request failed"
	}
	return f
}

// logContext is what nginx appends to an error-log line about a request:
// client, server, request line, upstream URL and host.
type logContext struct {
	ctx      *fasthttp.RequestCtx
	server   string
	scheme   string // of proxy_pass: vars.SchemeHTTP or vars.SchemeHTTPS
	upstream string // the peer's address, or the upstream's name
	uri      []byte // the request target sent upstream
}

// logFailure writes nginx's line for a failed try at error level:
// `connect() failed (111: Connection refused) while connecting to upstream,
// client: 127.0.0.1, server: s, request: "GET / HTTP/1.1", upstream:
// "http://127.0.0.1:9001/", host: "h"`.
func logFailure(log *zerolog.Logger, f *failure, lc *logContext) {
	ev := log.Error()
	if ev == nil {
		return
	}
	b := make([]byte, 0, 256)
	b = append(b, f.msg...)
	if f.errno != 0 {
		b = append(b, ' ')
		b = transport.AppendErrno(b, f.errno)
	}
	b = append(b, " while "...)
	b = append(b, f.phase...)
	b = lc.append(b)
	ev.Msg(string(b))
}

// logLine writes msg with the request context at the given event.
func logLine(ev *zerolog.Event, msg string, lc *logContext) {
	if ev == nil {
		return
	}
	b := make([]byte, 0, 256)
	b = append(b, msg...)
	b = lc.append(b)
	ev.Msg(string(b))
}

// append writes ", client: ..., host: ..." as nginx's ngx_http_log_error,
// with the upstream between the request line and the host.
func (lc *logContext) append(b []byte) []byte {
	b = vars.AppendLogRequest(b, lc.ctx, lc.server)
	if lc.upstream != "" {
		b = append(b, `, upstream: "`...)
		b = append(b, lc.scheme...)
		b = append(b, "://"...)
		b = append(b, lc.upstream...)
		b = append(b, lc.uri...)
		b = append(b, '"')
	}
	return vars.AppendLogHost(b, lc.ctx)
}
