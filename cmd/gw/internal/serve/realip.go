package serve

import (
	"net"
	"net/netip"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/realip"
	"github.com/gw-proxy/gw/conf/vars"
)

// realIP replaces the request's client address by the one a trusted peer
// says it connects for, as nginx's realip module does. nginx runs it in
// the post-read phase with the server block's settings and again before
// access with the location's when the first did not apply; the location
// is chosen without looking at the address, so doing both here, after
// the location is known, gives the same answer. The address replaced is
// the one fasthttp's RemoteAddr answers for the rest of the request:
// $remote_addr, $binary_remote_addr, $remote_port, allow/deny, ip_hash
// and hash keys, $proxy_add_x_forwarded_for, and the client of log lines.
// The connection keeps its own ($realip_remote_addr), and the next
// request on it starts from it again.
func (x *exchange) realIP(srv, loc *conf.Settings) {
	if !srv.RealIP.Active() && !loc.RealIP.Active() {
		return
	}
	if x.applyRealIP(&srv.RealIP) || loc == srv {
		return
	}
	x.applyRealIP(&loc.RealIP)
}

// applyRealIP applies one level's settings; false when they changed
// nothing.
func (x *exchange) applyRealIP(s *realip.Settings) bool {
	if !s.Active() {
		return false
	}
	c := x.ctx.Conn()
	if c == nil {
		return false
	}
	peer := netipOf(c.RemoteAddr())
	var a netip.AddrPort
	var ok bool
	switch s.Source {
	case realip.ProxyProtocol:
		pc, is := c.(vars.ProxyProtocolConn)
		if !is || !s.Trusted(peer) {
			return false
		}
		a, _, ok = pc.ProxyProtocol()
	case realip.XForwardedFor:
		a, ok = s.Find(peer, x.ctx.Request.Header.PeekAll("X-Forwarded-For"))
	default:
		name := "X-Real-IP"
		if s.Source == realip.OtherHeader {
			name = s.Header
		}
		v := x.ctx.Request.Header.Peek(name)
		if v == nil {
			return false
		}
		a, ok = s.Find(peer, [][]byte{v})
	}
	if !ok {
		return false
	}
	x.ctx.SetRemoteAddr(&net.TCPAddr{IP: a.Addr().AsSlice(), Port: int(a.Port())})
	return true
}
