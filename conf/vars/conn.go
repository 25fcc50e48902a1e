package vars

import (
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Version is gw's version string, reported by $nginx_version. cmd/gw sets it
// once at start-up, before any template is evaluated.
var Version = "0.0.0-dev"

// pidText is $pid; gw never forks, so it is computed once.
var pidText = strconv.Itoa(os.Getpid())

// hostname is $hostname, looked up once and lowercased as nginx does.
var hostname = sync.OnceValue(func() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return strings.ToLower(h)
})

func getRemoteAddr(dst []byte, r *Request, _ *part) []byte {
	return appendAddrIP(dst, r.Ctx.RemoteAddr())
}

func getRemotePort(dst []byte, r *Request, _ *part) []byte {
	return appendAddrPort(dst, r.Ctx.RemoteAddr())
}

// getBinaryRemoteAddr is the client address in network byte order: 4 bytes
// for IPv4 (IPv4-mapped IPv6 included), 16 for IPv6, as used for hash keys.
func getBinaryRemoteAddr(dst []byte, r *Request, _ *part) []byte {
	ip, ok := addrIP(r.Ctx.RemoteAddr())
	switch {
	case !ok:
		return dst
	case ip.Is4():
		b := ip.As4()
		return append(dst, b[:]...)
	}
	b := ip.As16()
	return append(dst, b[:]...)
}

func getServerAddr(dst []byte, r *Request, _ *part) []byte {
	return appendAddrIP(dst, r.Ctx.LocalAddr())
}

func getServerPort(dst []byte, r *Request, _ *part) []byte {
	return appendAddrPort(dst, r.Ctx.LocalAddr())
}

// numberedConn is a client connection that numbers itself and its
// requests (gw's edge.Conn): fasthttp's numbers start again when gw hands
// an idle connection back to it.
type numberedConn interface{ Numbers() (id, requests uint64) }

func getConnection(dst []byte, r *Request, _ *part) []byte {
	if c, ok := r.Ctx.Conn().(numberedConn); ok {
		id, _ := c.Numbers()
		return strconv.AppendUint(dst, id, 10)
	}
	return strconv.AppendUint(dst, r.Ctx.ConnID(), 10)
}

func getConnectionRequests(dst []byte, r *Request, _ *part) []byte {
	if c, ok := r.Ctx.Conn().(numberedConn); ok {
		_, n := c.Numbers()
		return strconv.AppendUint(dst, n, 10)
	}
	return strconv.AppendUint(dst, r.Ctx.ConnRequestNum(), 10)
}

func getScheme(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.scheme()...)
}

// getHTTPS is "on" for https and a present-but-empty value otherwise.
func getHTTPS(dst []byte, r *Request, _ *part) []byte {
	if r.scheme() == SchemeHTTPS {
		return append(dst, "on"...)
	}
	return dst
}

// scheme is Request.Scheme, or what the connection says when it is unset.
func (r *Request) scheme() string {
	switch {
	case r.Scheme != "":
		return r.Scheme
	case r.Ctx != nil && r.Ctx.IsTLS():
		return SchemeHTTPS
	}
	return SchemeHTTP
}

func getServerName(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.ServerName...)
}

func getHostname(dst []byte, _ *Request, _ *part) []byte {
	return append(dst, hostname()...)
}

func getPID(dst []byte, _ *Request, _ *part) []byte {
	return append(dst, pidText...)
}

func getVersion(dst []byte, _ *Request, _ *part) []byte {
	return append(dst, Version...)
}

// getRemoteUser is $remote_user: the user name of the request's Basic
// credentials, as nginx reads it, whether or not the location checks them
// and whether or not the password is right. The password, decoded into
// dst's spare room on the way, is wiped before returning.
func getRemoteUser(dst []byte, r *Request, _ *part) []byte {
	out, n, ok := r.AppendBasicCredentials(dst)
	if !ok {
		return dst
	}
	clear(out[len(dst)+n:])
	return out[:len(dst)+n]
}

func getProxyHost(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.ProxyHost...)
}

func getProxyPort(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.ProxyPort...)
}

// addrIP extracts the IP of a TCP or UDP address without allocating;
// IPv4-mapped IPv6 addresses are unmapped, as nginx prints them as IPv4.
func addrIP(a net.Addr) (netip.Addr, bool) {
	var ip net.IP
	switch a := a.(type) {
	case *net.TCPAddr:
		if a == nil {
			return netip.Addr{}, false
		}
		ip = a.IP
	case *net.UDPAddr:
		if a == nil {
			return netip.Addr{}, false
		}
		ip = a.IP
	default:
		return netip.Addr{}, false
	}
	addr, ok := netip.AddrFromSlice(ip)
	return addr.Unmap(), ok
}

// appendAddrIP writes the host part of a: the bare IP (no brackets, no
// zone), "unix:" for a Unix socket as nginx writes it, or the host of an
// unfamiliar address type.
func appendAddrIP(dst []byte, a net.Addr) []byte {
	if ip, ok := addrIP(a); ok {
		return ip.AppendTo(dst)
	}
	if _, ok := a.(*net.UnixAddr); ok {
		return append(dst, "unix:"...)
	}
	if a == nil {
		return dst
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return append(dst, a.String()...)
	}
	return append(dst, host...)
}

// appendAddrPort writes the port of a, or nothing when it has none.
func appendAddrPort(dst []byte, a net.Addr) []byte {
	switch a := a.(type) {
	case *net.TCPAddr:
		// Port 0 is realip's address without a port: nginx writes
		// nothing for it.
		if a != nil && a.Port > 0 {
			return strconv.AppendInt(dst, int64(a.Port), 10)
		}
	case *net.UDPAddr:
		if a != nil {
			return strconv.AppendInt(dst, int64(a.Port), 10)
		}
	case *net.UnixAddr, nil:
	default:
		if _, port, err := net.SplitHostPort(a.String()); err == nil {
			return append(dst, port...)
		}
	}
	return dst
}

// AppendAddrIP writes the host part of a as $remote_addr does.
func AppendAddrIP(dst []byte, a net.Addr) []byte { return appendAddrIP(dst, a) }

// connAddr is the connection's own peer address: what $remote_addr was
// before realip replaced it (fasthttp's RemoteAddr answers the replaced
// one).
func connAddr(r *Request) net.Addr {
	if c := r.Ctx.Conn(); c != nil {
		return c.RemoteAddr()
	}
	return r.Ctx.RemoteAddr()
}

func getRealIPRemoteAddr(dst []byte, r *Request, _ *part) []byte {
	return appendAddrIP(dst, connAddr(r))
}

func getRealIPRemotePort(dst []byte, r *Request, _ *part) []byte {
	return appendAddrPort(dst, connAddr(r))
}

// ProxyProtocolConn is a client connection that may have begun with a
// PROXY protocol header (cmd/gw/internal/edge's Conn): what the header
// said, ok false when there was none or it named no client.
type ProxyProtocolConn interface {
	ProxyProtocol() (src, dst netip.AddrPort, ok bool)
}

// proxyProtocol is what the request's connection's PROXY protocol header
// said.
func proxyProtocol(r *Request) (src, dst netip.AddrPort, ok bool) {
	if c, is := r.Ctx.Conn().(ProxyProtocolConn); is {
		return c.ProxyProtocol()
	}
	return netip.AddrPort{}, netip.AddrPort{}, false
}

func getProxyProtocolAddr(dst []byte, r *Request, _ *part) []byte {
	if src, _, ok := proxyProtocol(r); ok {
		return src.Addr().AppendTo(dst)
	}
	return dst
}

func getProxyProtocolPort(dst []byte, r *Request, _ *part) []byte {
	if src, _, ok := proxyProtocol(r); ok {
		return strconv.AppendUint(dst, uint64(src.Port()), 10)
	}
	return dst
}

func getProxyProtocolServerAddr(dst []byte, r *Request, _ *part) []byte {
	if _, d, ok := proxyProtocol(r); ok {
		return d.Addr().AppendTo(dst)
	}
	return dst
}

func getProxyProtocolServerPort(dst []byte, r *Request, _ *part) []byte {
	if _, d, ok := proxyProtocol(r); ok {
		return strconv.AppendUint(dst, uint64(d.Port()), 10)
	}
	return dst
}
