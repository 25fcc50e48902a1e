package serve

import (
	"net"

	"github.com/gw-proxy/gw/conf/vars"
)

// brokenHeader logs a PROXY protocol header refused on one of l's
// connections, in nginx's words and context:
//
//	broken header: "GET / HTTP/1.1" while reading PROXY protocol, client: 127.0.0.1, server: 0.0.0.0:8080
//
// The connection is then closed without an answer.
func (l *listener) brokenHeader(c net.Conn, err error) {
	b := make([]byte, 0, 160)
	b = append(b, err.Error()...)
	b = append(b, " while reading PROXY protocol, client: "...)
	b = vars.AppendAddrIP(b, c.RemoteAddr())
	b = append(b, ", server: "...)
	b = append(b, l.addr...)
	l.log().Error().Msg(string(b))
}
