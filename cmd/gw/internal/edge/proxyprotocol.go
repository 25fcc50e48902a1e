package edge

import (
	"net/netip"

	"github.com/gw-proxy/gw/cmd/gw/internal/edge/proxyproto"
	"github.com/gw-proxy/gw/conf/vars"
)

var _ vars.ProxyProtocolConn = (*Conn)(nil)

// ProxyProtocol returns what the connection's PROXY protocol header said
// of the client (src) and of the balancer's address it connected to
// (dst); ok is false on a listener without proxy_protocol and for a
// header that named no client.
func (c *Conn) ProxyProtocol() (src, dst netip.AddrPort, ok bool) {
	pc, is := c.raw.(*proxyproto.Conn)
	if !is {
		return netip.AddrPort{}, netip.AddrPort{}, false
	}
	h, read := pc.Header()
	if !read || !h.HasAddrs() {
		return netip.AddrPort{}, netip.AddrPort{}, false
	}
	return h.Src, h.Dst, true
}
