package serve

import (
	"time"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/location"
)

// bindAll opens a listener for every socket of rt that is not open yet,
// then points every listener of rt at it. On a bind error the sockets opened
// here are closed again and no listener has been moved to rt.
func (g *Server) bindAll(rt *runtime) error {
	var opened []string
	for i, sock := range rt.sockets {
		if _, ok := g.listeners[sock.Addr]; ok {
			continue
		}
		b := &binding{rt: rt, sock: i, scheme: schemeOf(sock)}
		l, err := openListener(sock, b, g.conns)
		if err != nil {
			for _, addr := range opened {
				_ = g.listeners[addr].ln.Close()
				delete(g.listeners, addr)
			}
			return err
		}
		g.listeners[sock.Addr] = l
		opened = append(opened, sock.Addr)
		g.log.Info().Str("listen", sock.Addr).Msg("listening")
	}
	g.rebind(rt)
	return nil
}

func schemeOf(sock location.Socket) string {
	if sock.SSL {
		return vars.SchemeHTTPS
	}
	return vars.SchemeHTTP
}

// Reload is HUP: parse, build, validate and compile the new configuration
// to the side; on success bind new sockets, swap every listener to the new
// runtime, and close sockets the new configuration no longer has. On any
// error the running configuration keeps serving and the error is logged
// with its position, and returned, for the runtime API, which reloads
// on request and answers the error (SIGHUP has only the log).
func (g *Server) Reload() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	gen := g.rt.gen + 1
	g.log.Info().Uint64("generation", gen).Msg("reloading configuration")
	rt, err := g.load(gen)
	if err == nil {
		rt.logs, err = g.logs.writers(rt.cfg)
	}
	if err == nil {
		err = g.bindAll(rt)
	}
	if err != nil {
		if rt != nil {
			g.stopRuntimeLocked(rt) // never served: nothing to wait for
		}
		g.failedReloads++
		g.log.Error().Err(err).Uint64("generation", g.rt.gen).Int("failed_reloads", g.failedReloads).
			Msg("reload failed, keeping the running configuration")
		return err
	}
	g.closeRemoved(rt)
	rt.start(g.checks)
	g.adoptLog(rt)
	g.logNotices(rt.cfg)
	applyWorkerProcesses(rt.cfg)
	g.conns.Configure(rt.cfg.WorkerConnections, g.log)
	g.retire(g.rt, rt.cfg.WorkerShutdownTimeout)
	g.rt = rt
	g.reloads++
	g.reloadedAt = time.Now()
	g.blocks.retain(rt.cfg)
	g.log.Info().Uint64("generation", gen).Int("reloads", g.reloads).Msg("configuration reloaded")
	return nil
}

// rebind points every listener that rt has a socket for at rt.
func (g *Server) rebind(rt *runtime) {
	for i, sock := range rt.sockets {
		if l, ok := g.listeners[sock.Addr]; ok {
			l.binding.Store(&binding{rt: rt, sock: i, scheme: schemeOf(sock), ln: &l.stats})
		}
	}
}

// closeRemoved closes, after their in-flight requests, the listeners whose
// address rt no longer has.
func (g *Server) closeRemoved(rt *runtime) {
	keep := make(map[string]bool, len(rt.sockets))
	for _, s := range rt.sockets {
		keep[s.Addr] = true
	}
	for addr, l := range g.listeners {
		if !keep[addr] {
			delete(g.listeners, addr)
			go l.close(rt.cfg.WorkerShutdownTimeout)
			g.log.Info().Str("listen", addr).Msg("closed listener")
		}
	}
}
