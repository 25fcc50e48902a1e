package proxy

import (
	"net"
	"syscall"
	"time"

	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/transport"
	"github.com/gw-proxy/gw/upstream/tunnel"
)

// splice is the hijack handler of a tunnel: it writes the 101 to the
// client, copies both ways until the tunnel ends, then ends the exchange.
// fasthttp keeps ctx until splice returns and closes c after.
func (x *exchange) splice(c net.Conn) {
	tn, rules := x.tun, &x.p.tunnel
	defer x.release()
	// The registry learns the tunnel ended only once its access-log line
	// is written: a graceful stop waiting on the registry then closes
	// the log files, and a line written after that was lost.
	defer rules.Registry.Remove(tn)
	defer x.endTunnel()
	if !tn.Attach(c) {
		return // Tunnels closed it before it started
	}
	h := &x.ctx.Response.Header
	if h.ConnectionClose() {
		// fasthttp marks the response of a connection it would close
		// after it; this one carries the new protocol instead.
		h.ResetConnectionClose()
		h.AddBytesKV(strConnection, strUpgradeToken)
	}
	tn.SetHead(h.AppendBytes(tn.Head()[:0]))
	n, err := transport.WriteWithin(c, tn.Head(), rules.ClientSend)
	if x.ender != nil {
		x.r.BytesSent = int64(n)
	}
	if err != nil {
		x.logTunnelEnd(tunnel.End{Client: err})
		return
	}
	// From now on the idle timer, not a per-read deadline, bounds reads
	// from the upstream: nginx re-arms proxy_read_timeout on traffic in
	// either direction. Nothing else reads the connection yet.
	tn.Raw().StopReadTimeout()
	_ = tn.Raw().Conn.SetReadDeadline(time.Time{})
	x.logTunnelEnd(tn.Run(&rules.Rules))
}

// endTunnel ends the client's request when the tunnel has closed, as
// nginx logs an upgraded request: $bytes_sent counts the 101 and every
// byte that went to the client through the tunnel, and $request_time
// spans the tunnel's life.
func (x *exchange) endTunnel() {
	e := x.ender
	if e == nil {
		return
	}
	x.ender = nil
	r := x.r
	r.BytesSent += x.tun.SentToClient()
	r.End = time.Now()
	e.EndRequest()
}

// phaseTunnel is nginx's phase for errors on an upgraded connection.
const phaseTunnel = "proxying upgraded connection"

// logTunnelEnd logs why a tunnel ended, in nginx's words: an idle timeout
// and upstream failures at error level, the client's at info.
func (x *exchange) logTunnelEnd(end tunnel.End) {
	switch {
	case end.TimedOut:
		f := failure{msg: upstream.ErrTimeout.Error(), errno: syscall.ETIMEDOUT, phase: phaseTunnel}
		logFailure(&x.p.log, &f, &x.lc)
	case end.Upstream != nil:
		f := classify(end.Upstream, x.tun.Raw())
		f.phase = phaseTunnel
		logFailure(&x.p.log, &f, &x.lc)
	case end.Client != nil:
		logLine(x.p.log.Info(), "client closed connection ("+end.Client.Error()+") while "+phaseTunnel, &x.lc)
	}
}
