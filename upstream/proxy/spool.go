package proxy

import (
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/proxy/body"
	"github.com/gw-proxy/gw/upstream/transport"
)

// spoolBody reads the client's chunked body to its end for an HTTP/1.0
// upstream (body.Spool), in x.reqMem and the temporary file. It returns
// the body's length, or the status gw answers: 413, 408 or 400 when the
// client's body fails, 500 when the file cannot be created or written
// (nginx's answer, logged in nginx's words).
func (x *exchange) spoolBody() (int64, int) {
	mem, err := x.spool.Fill(&x.body, x.reqMem, int(x.p.bodyBuffer), x.p.tempPath)
	x.reqMem = mem
	var fe *body.FileError
	switch {
	case errors.As(err, &fe):
		return 0, x.spoolFailed(fe.Call, fe.Name, fe.Err)
	case err != nil:
		return 0, x.clientFailed()
	}
	return x.spool.Size(), 0
}

// attachSpool sets a spooled body as the upstream request's body from its
// first byte: before every try, since fasthttp lets go of a body stream
// once it has written it.
func (x *exchange) attachSpool() {
	if !x.spool.InFile() {
		return
	}
	x.spool.Rewind()
	x.out.SetBodyStream(&x.spool, int(x.spool.Size()))
}

// spoolFailed logs nginx's line for a temporary file that could not be
// made, written or read back, `open() "/srv/gw/client_body_temp/0123456789"
// failed (13: Permission denied)`, at nginx's crit (gw's error level), and
// returns nginx's answer, 500.
func (x *exchange) spoolFailed(call, name string, err error) int {
	if ev := x.p.log.Error(); ev != nil {
		b := make([]byte, 0, 128)
		b = append(b, call...)
		b = append(b, " \""...)
		b = append(b, name...)
		b = append(b, "\" failed "...)
		if en := transport.ErrnoOf(err); en != 0 {
			b = transport.AppendErrno(b, en)
		} else {
			b = append(b, '(')
			b = append(b, err.Error()...)
			b = append(b, ')')
		}
		lc := x.lc
		lc.upstream = ""
		logLine(ev, string(b), &lc)
	}
	return fasthttp.StatusInternalServerError
}
