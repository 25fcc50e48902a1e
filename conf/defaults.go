package conf

import (
	"time"

	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/conf/sticky"
)

// The defaults gw applies when a directive is not written. They are
// nginx's, except where a comment says [gw].
const (
	// defaultPidFile is nginx's logs/nginx.pid, named after gw; -s needs a
	// pid file to find the running gw.
	defaultPidFile  = "logs/gw.pid"
	defaultErrorLog = "logs/error.log"
	// defaultAccessLog is nginx's: requests are logged in the combined
	// format to logs/access.log under the prefix unless access_log says
	// otherwise.
	defaultAccessLog = "logs/access.log"

	// defaultWorkerConnections is nginx's 512.
	defaultWorkerConnections = 512
	// DefaultShutdownTimeout bounds a graceful stop when
	// worker_shutdown_timeout is not set: nginx waits for ever, a service
	// manager would kill gw first, and 10 s lets a typical request finish.
	DefaultShutdownTimeout = 10 * time.Second

	defaultProxyTimeout  = 60 * time.Second // proxy_connect/read/send_timeout
	defaultClientTimeout = 60 * time.Second // client_header/body_timeout, send_timeout
	defaultKeepalive     = 75 * time.Second
	defaultKeepaliveReqs = 1000
	defaultMaxBodySize   = 1 << 20 // client_max_body_size 1m
	// defaultBodyBuffer is client_body_buffer_size: nginx's is two memory
	// pages, 8k on x86-64 and 16k on most other 64-bit platforms [gw: 16k
	// everywhere, so a configuration behaves the same on every machine].
	defaultBodyBuffer    = 16 << 10
	defaultBodyTempPath  = "client_body_temp" // under the prefix, as nginx's
	defaultHeaderBufs    = 4
	defaultHeaderBufSize = 8 << 10 // large_client_header_buffers 4 8k
)

// defaultConfig returns the main-context defaults. worker_processes
// defaults to auto, one per core [gw: nginx's default is 1, which would make
// a single-process gw use one core]. daemon defaults to off [gw: nginx defaults
// to on; gw stays in the foreground unless told, which is what systemd's
// Type=simple units, containers and `make run` want].
func defaultConfig(prefix string) *Config {
	return &Config{
		Prefix:                prefix,
		PidFile:               prefixed(prefix, defaultPidFile),
		ErrorLog:              logs.ErrorLog{Path: prefixed(prefix, defaultErrorLog), Level: logs.DefaultLevel},
		WorkerProcesses:       0,
		WorkerShutdownTimeout: DefaultShutdownTimeout,
		WorkerConnections:     defaultWorkerConnections,
	}
}

// defaultSettings returns the http-level settings before any directive:
// nginx's defaults.
func defaultSettings(prefix string) *Settings {
	return &Settings{
		ServerTokens: true,
		// nginx's uninitialized_variable_warn on.
		UninitializedVariableWarn: true,
		ClientMaxBodySize:         defaultMaxBodySize,
		ClientBodyBufferSize:      defaultBodyBuffer,
		ClientBodyTempPath:        prefixed(prefix, defaultBodyTempPath),

		ProxyHTTPVersion:      HTTPVersion10,
		ProxyConnectTimeout:   defaultProxyTimeout,
		ProxyReadTimeout:      defaultProxyTimeout,
		ProxySendTimeout:      defaultProxyTimeout,
		ProxyNextUpstream:     NextError | NextTimeout,
		ProxyRedirects:        []ProxyRedirect{{Default: true}},
		ProxyBuffering:        true,
		ProxyRequestBuffering: true,
		ResolverTimeout:       defaultResolverTimeout,

		ClientHeaderTimeout: defaultClientTimeout,
		ClientBodyTimeout:   defaultClientTimeout,
		SendTimeout:         defaultClientTimeout,
		KeepaliveTimeout:    defaultKeepalive,
		KeepaliveRequests:   defaultKeepaliveReqs,

		LargeClientHeaderBuffers: Buffers{Number: defaultHeaderBufs, Size: defaultHeaderBufSize},

		// [gw] nginx's default file, in gw's JSON format (Format nil).
		AccessLogs: []logs.AccessLog{{Path: prefixed(prefix, defaultAccessLog)}},
		// nginx's default since 1.23.4.
		SSLProtocols: []string{"TLSv1.2", "TLSv1.3"},
	}
}

// inherit makes s a copy of the enclosing level's settings, minus what
// nginx does not inherit: return, proxy_pass and the pages belong to
// the level that wrote them. Slices are shared with the parent; a level that writes an
// array directive first replaces it (see directive.reset), so the parent's
// backing array is never appended to. sticky.Merge gives the level its own
// copy of the sticky switches, which are replaced in place.
func (s *Settings) inherit(parent *Settings) {
	*s = *parent
	sticky.Merge(&parent.Sticky, &s.Sticky) // gives s its own sticky switches
	s.Access.StartLevel()                   // its allow/deny replace the parent's
	s.RealIP.StartLevel()                   // its set_real_ip_from replace the parent's
	s.Return = nil
	s.Script = nil
	s.ProxyPass = nil
	s.Page = nil
	s.accessLogOff = false
	s.redirectOff = false
}

// inheritBranch makes s the settings of an if block in the location (or if
// block) whose settings are parent: inherited as a nested location's are,
// and also the location's proxy_pass, return and page. nginx merges the
// block's proxy_pass from the location when the block has none
// (ngx_http_proxy_merge_loc_conf, for a "noname" location), keeps the
// content handler the location search chose, and runs the location's
// return among the location's rewrite codes whatever block the request
// switched to. The script is not inherited: the block's rewrite
// directives are steps of the enclosing script (rewrite.If.Block).
func (s *Settings) inheritBranch(parent *Settings) {
	s.inherit(parent)
	s.ProxyPass, s.Return, s.Page = parent.ProxyPass, parent.Return, parent.Page
}
