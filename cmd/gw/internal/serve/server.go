package serve

import (
	"fmt"
	"os"
	goruntime "runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/cmd/gw/internal/edge"
	"github.com/gw-proxy/gw/cmd/gw/internal/serve/api"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/health"
	"github.com/gw-proxy/gw/upstream/persist"
	"github.com/gw-proxy/gw/upstream/proxy"
	"github.com/gw-proxy/gw/upstream/transport"
	"github.com/gw-proxy/gw/upstream/tunnel"
)

// Server is a serving gw: its listeners by address, the runtime they
// serve, what outlives a runtime (connection pools, peer state, open
// tunnels, the client connection table) and the error log. Reloads are
// serialised by mu.
type Server struct {
	opts      conf.LoadOptions
	mu        sync.Mutex
	rt        *runtime
	listeners map[string]*listener
	logFile   *logFile
	logs      *accessLogs
	pools     *transport.Pools     // upstream connections, kept across reloads
	store     *upstream.StateStore // peer health, kept across reloads
	zones     persist.Zones        // sticky learn's sessions, kept across reloads
	checks    *health.Checks       // active health checks, one checker per checked server
	tunnels   *tunnel.Tunnels      // open WebSocket tunnels, for stops
	conns     *edge.Table          // client connections, against worker_connections
	api       *api.API             // the runtime API, whose transactions outlive reloads

	reloads, failedReloads int // counted for the error log

	requests   requestStats // every request answered
	blocks     blockStats   // each server block's requests, across reloads
	startedAt  time.Time    // when the process began serving (New)
	reloadedAt time.Time    // of the last successful reload, under mu
	log        zerolog.Logger
}

// earlyLogLevel is the error log's level until a configuration sets one:
// nginx's notice, which gw logs as info.
const earlyLogLevel = logs.LevelInfo

// New prepares a gw for opts, logging to earlyLog (a path, "stderr" or
// "" for stderr) until a configuration names its error_log.
func New(opts conf.LoadOptions, earlyLog string) (*Server, error) {
	early, err := openLogFile(earlyLog)
	if err != nil {
		return nil, err
	}
	g := &Server{opts: opts, listeners: map[string]*listener{}, logFile: early, log: newLogger(early, earlyLogLevel),
		logs: &accessLogs{}, pools: transport.NewPools(), store: upstream.NewStateStore(), tunnels: tunnel.NewTunnels(),
		checks: health.New(), startedAt: time.Now()}
	g.conns = edge.NewTable(0, g.log)
	g.api = api.New(g)
	return g, nil
}

// Start loads the configuration and serves it: sockets bound, peer state
// taken over. On an error nothing is left open.
func (g *Server) Start() error {
	rt, err := g.load(1)
	if err == nil {
		err = g.start(rt)
	}
	if err != nil {
		g.Stop(0)
		g.logStartupError(err)
		return err
	}
	g.log.Info().Uint64("generation", rt.gen).Int("listeners", len(g.listeners)).Msg("gw started")
	return nil
}

// Config is the configuration being served.
func (g *Server) Config() *conf.Config {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rt.cfg
}

// Log is the error log in force.
func (g *Server) Log() *zerolog.Logger {
	g.mu.Lock()
	defer g.mu.Unlock()
	return &g.log
}

// logStartupError writes a failed start's reason to the error log when
// that is a file: the caller prints nginx's [emerg] line on stderr.
func (g *Server) logStartupError(err error) {
	if g.logFile.path != stderrLog {
		g.log.Error().Str("severity", "emerg").Msg(err.Error())
	}
}

// load parses, checks and compiles the configuration as generation gen,
// with the logger of its own error_log, so that everything the runtime
// logs, from its first request on, goes where the configuration says.
// The error log file is opened here (or the running one kept when the
// path is the same); on failure a file opened here is closed again.
func (g *Server) load(gen uint64) (*runtime, error) {
	cfg, err := conf.Load(g.opts)
	if err != nil {
		return nil, err
	}
	file := g.logFile
	if path := errorLogPath(cfg); path != file.path {
		if file, err = openLogFile(path); err != nil {
			return nil, err
		}
	}
	log := newLogger(file, cfg.ErrorLog.Level)
	shared := g.shared()
	shared.Log = log
	rt, err := compile(cfg, gen, shared)
	if err != nil {
		if file != g.logFile {
			file.Close()
		}
		return nil, err
	}
	rt.log, rt.logFile = log, file
	rt.server, rt.total, rt.blocks = g, &g.requests, g.blocks.forServers(cfg)
	return rt, nil
}

// errorLogPath is error_log's path, stderr when none is set.
func errorLogPath(cfg *conf.Config) string {
	if cfg.ErrorLog.Path == "" {
		return stderrLog
	}
	return cfg.ErrorLog.Path
}

// shared is what every runtime's proxies share with the ones before them:
// connection pools, peer state and open tunnels.
func (g *Server) shared() proxy.Options {
	return proxy.Options{Pools: g.pools, Store: g.store, Tunnels: g.tunnels, Zones: &g.zones}
}

// start applies the first configuration: log, cores, sockets.
func (g *Server) start(rt *runtime) error {
	g.adoptLog(rt)
	g.logNotices(rt.cfg)
	var err error
	if rt.logs, err = g.logs.writers(rt.cfg); err != nil {
		return err
	}
	applyWorkerProcesses(rt.cfg)
	g.conns.Configure(rt.cfg.WorkerConnections, g.log)
	g.rt = rt
	if err := g.bindAll(rt); err != nil {
		return err
	}
	rt.start(g.checks)
	return nil
}

// adoptLog makes rt's error log the server's. The file it replaces is
// closed when the runtime before stops (retire).
func (g *Server) adoptLog(rt *runtime) {
	g.logFile, g.log = rt.logFile, rt.log
}

// retire stops a replaced runtime once its requests have had grace to
// finish.
func (g *Server) retire(old *runtime, grace time.Duration) {
	time.AfterFunc(grace, func() { g.stopRuntime(old) })
}

// stopRuntime gives back what only rt holds: its access-log files (closed
// when no later runtime names them) and its error-log file, unless that is
// the one in force.
func (g *Server) stopRuntime(rt *runtime) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopRuntimeLocked(rt)
}

// stopRuntimeLocked is stopRuntime with g.mu held. It acts once per
// runtime; rt's maps stay as they are, since requests still running on
// rt read them (their lines then go nowhere).
func (g *Server) stopRuntimeLocked(rt *runtime) {
	if rt.stopped {
		return
	}
	rt.stopped = true
	g.logs.release(rt.logs)
	if rt.logFile != nil && rt.logFile != g.logFile {
		rt.logFile.Close()
	}
}

func (g *Server) logNotices(cfg *conf.Config) {
	for _, n := range cfg.Warnings {
		g.log.Warn().Str("at", n.Pos.String()).Msg(n.Msg)
	}
	if cfg.Daemon {
		g.log.Warn().Msg(`"daemon on" is ignored: gw runs in the foreground and leaves daemonising to the service manager`)
	}
}

// applyWorkerProcesses makes worker_processes the number of cores gw uses.
func applyWorkerProcesses(cfg *conf.Config) {
	n := cfg.WorkerProcesses
	if n <= 0 {
		n = goruntime.NumCPU()
	}
	goruntime.GOMAXPROCS(n)
}

// Reopen is USR1: reopen the error log and the access logs.
func (g *Server) Reopen() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.logFile.Reopen(); err != nil {
		fmt.Fprintf(os.Stderr, "gw: [alert] %v\n", err)
		return
	}
	if err := g.logs.reopen(); err != nil {
		g.log.Error().Err(err).Msg("reopening access logs")
		return
	}
	g.log.Info().Msg("reopened log files")
}

// Stop stops every listener, in parallel, each waiting up to grace for
// its in-flight requests (0: close at once), then the open tunnels within
// what is left of grace; then the background tasks bound to servers and
// the idle upstream connections.
func (g *Server) Stop(grace time.Duration) {
	deadline := time.Now().Add(grace)
	var wg sync.WaitGroup
	for _, l := range g.listeners {
		wg.Add(1)
		go func(l *listener) {
			defer wg.Done()
			if grace == 0 {
				_ = l.ln.Close()
				return
			}
			l.close(grace)
		}(l)
	}
	wg.Wait()
	g.closeTunnels(time.Until(deadline))
	g.store.Close()
	g.zones.Close() // sticky_store clients: queued writes are dropped
	g.pools.CloseIdle()
	if g.rt != nil {
		g.stopRuntime(g.rt)
	}
}

// ShutdownTimeout is worker_shutdown_timeout of the configuration served.
func (g *Server) ShutdownTimeout() time.Duration { return g.Config().WorkerShutdownTimeout }

// closeTunnels lets open WebSocket tunnels finish for up to grace, then
// closes the rest. Tunnels do not belong to a listener: fasthttp lets go of
// a connection once it is hijacked, so its Shutdown does not wait for them.
func (g *Server) closeTunnels(grace time.Duration) {
	if n := g.tunnels.Len(); n > 0 && grace > 0 {
		g.log.Info().Int("tunnels", n).Msg("waiting for upgraded connections")
		g.tunnels.Wait(grace)
	}
	if n := g.tunnels.CloseAll(); n > 0 {
		g.log.Info().Int("tunnels", n).Msg("closed upgraded connections")
		g.tunnels.Wait(time.Second) // let them unwind and log
	}
}
