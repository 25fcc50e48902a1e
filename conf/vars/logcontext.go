package vars

import (
	"net"
	"net/netip"

	"github.com/valyala/fasthttp"
)

// AppendLogRequest writes what nginx's ngx_http_log_error puts after the
// message of an error-log line about a request, up to the request line:
// `, client: 127.0.0.1, server: NAME, request: "GET / HTTP/1.1"`. Callers
// add what they know after it (the upstream), then AppendLogHost.
func AppendLogRequest(b []byte, ctx *fasthttp.RequestCtx, server string) []byte {
	b = append(b, ", client: "...)
	if a, ok := ctx.RemoteAddr().(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(a.IP)
		b = ip.Unmap().AppendTo(b)
	} else {
		b = append(b, ctx.RemoteAddr().String()...)
	}
	b = append(b, ", server: "...)
	b = append(b, server...)
	b = append(b, `, request: "`...)
	b = append(b, ctx.Method()...)
	b = append(b, ' ')
	b = append(b, ctx.Request.Header.RequestURI()...)
	b = append(b, ' ')
	b = append(b, ctx.Request.Header.Protocol()...)
	return append(b, '"')
}

// AppendLogHost writes nginx's `, host: "HOST"` when the request named one.
func AppendLogHost(b []byte, ctx *fasthttp.RequestCtx) []byte {
	if h := ctx.Request.Header.Host(); len(h) > 0 {
		b = append(b, `, host: "`...)
		b = append(b, h...)
		b = append(b, '"')
	}
	return b
}
