package conf

import (
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/access"
	"github.com/gw-proxy/gw/conf/creds"
	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/conf/names"
	"github.com/gw-proxy/gw/conf/pages"
	"github.com/gw-proxy/gw/conf/proxyreq"
	"github.com/gw-proxy/gw/conf/realip"
	"github.com/gw-proxy/gw/conf/rewrite"
	"github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Config is the whole configuration after building and validation: plain
// data, no goroutines, no sockets. The runtime is compiled from it.
type Config struct {
	File   string // the main configuration file, as resolved against Prefix
	Prefix string // the prefix (-p), absolute

	Daemon                bool        // daemon on: serve from a detached copy (cmd/gw/daemon.go)
	User                  *creds.User // user; nil: not written, or gw is not root
	PidFile               string      // absolute path, "" when no pid file is written
	ErrorLog              logs.ErrorLog
	WorkerProcesses       int // 0 means auto: one per core
	WorkerShutdownTimeout time.Duration
	WorkerConnections     int

	HTTP *HTTP // nil when the file has no http block

	// Tree is the directive tree with includes (and -g directives) expanded,
	// as gw -T prints it.
	Tree []*parser.Directive

	// Variables are the variables the configuration defines (map, set):
	// a Request needs Variables.Len() slots for them.
	Variables *vars.Scope

	// Notices are accepted directives that mean nothing to gw (nginx
	// internals); Warnings are legal but probably unintended settings.
	// gw -t prints both; serving logs them once.
	Notices  []Notice
	Warnings []Notice
}

// Notice is a message about a position in the configuration.
type Notice struct {
	Pos parser.Pos
	Msg string
}

// HTTP is the http block.
type HTTP struct {
	Pos        parser.Pos
	Settings   *Settings // http-level settings: nginx's defaults and the http block's directives
	Servers    []*Server
	Upstreams  []*upstream.Config // in file order
	LogFormats map[string]*logs.Format
}

// Server is one server block.
type Server struct {
	Pos     parser.Pos
	Listens []Listen     // at least one: nginx's default is *:80
	Names   []ServerName // as written, in order
	// Name is $server_name: the first name as nginx gives it, lower-cased
	// unless a regex ("~" kept), without the leading dot of ".example.com"
	// ("" when there is no server_name).
	Name string
	// Capturing: a regex name has groups, whose captures are variables
	// when that regex selects the server.
	Capturing bool
	Locations []*Location // top-level locations in file order
	// Settings are the server-level settings (http level merged in); they
	// apply to a request that matches no location.
	Settings *Settings
}

// Listen is one listen directive.
type Listen struct {
	Pos parser.Pos
	// Addr is the socket address, with nginx's defaults applied and host
	// names resolved: 0.0.0.0:80, 127.0.0.1:8080, [::1]:80. One socket has
	// one value, whatever the spelling (":080" is ":80").
	Addr          netip.AddrPort
	DefaultServer bool
	SSL           bool
	ReusePort     bool
	Backlog       int // 0 means the system default
	// ProxyProtocol is the proxy_protocol parameter: each connection
	// starts with a PROXY protocol header.
	ProxyProtocol bool
}

// ServerName, ServerNameKind and its constants are conf/names': server
// names are read and checked there, and every package reads them here.
type (
	ServerName     = names.ServerName
	ServerNameKind = names.Kind
)

// The kinds of server_name, in nginx's order of precedence.
const (
	NameExact      = names.Exact
	NameWildPrefix = names.WildPrefix
	NameWildSuffix = names.WildSuffix
	NameRegex      = names.Regex
)

// Modifier is a location's match modifier.
type Modifier uint8

// The location modifiers.
const (
	ModPrefix     Modifier = iota // location /x
	ModExact                      // location = /x
	ModPrefixStop                 // location ^~ /x
	ModRegex                      // location ~ re
	ModRegexCI                    // location ~* re
	ModNamed                      // location @name
)

// Location is one location block.
type Location struct {
	Pos       parser.Pos
	Modifier  Modifier
	Pattern   string         // the prefix, exact URI, regex source or @name
	Regex     *regexp.Regexp // for ModRegex / ModRegexCI
	Parent    *Location      // nil for a top-level location
	Locations []*Location    // nested locations in file order
	Settings  *Settings      // effective settings: http -> server -> outer locations -> this
	// Branches are the location's if blocks (those of its ifs, nested
	// ones included), each a location of its own that the search never
	// finds: as nginx's "noname" locations, one answers when its
	// condition held (vars.Request.Branch). Each copies the enclosing
	// location's pattern and modifier, and its settings are the
	// enclosing ones with the block's directives applied; proxy_pass,
	// return and a page handler are inherited there, as nginx keeps the
	// content handler and the location's rewrite codes.
	Branches []*Location
}

// Settings holds every directive that nginx inherits downwards from http to
// server to location. After building, each level's Settings is complete: a
// directive not written at a level has the value inherited from above, or
// gw's default.
type Settings struct {
	// Return is only set on the level that wrote it: return is not
	// inherited. On a Server's Settings it is answered before any location
	// is matched, as nginx runs a server-level return in its server
	// rewrite phase.
	Return *Return
	// Script is the level's set directives (nginx's rewrite module) in
	// the order written; like Return, only on the level that wrote it. A
	// server's runs before its location is chosen, a location's after.
	Script *rewrite.Script
	// RewriteLog is rewrite_log: the rewrite directives of the level log
	// their matches and results at notice.
	RewriteLog bool
	// UninitializedVariableWarn is uninitialized_variable_warn: reading a
	// variable of set before any set gave it a value logs a warning.
	UninitializedVariableWarn bool
	AddHeaders                []AddHeader
	ErrorPages                []ErrorPage

	// Page is only set on the location that wrote it (check_status,
	// stub_status, gw_status, gw_metrics): a content handler, which nginx
	// does not inherit. nil: no page here.
	Page *pages.Page

	ServerTokens      bool
	ClientMaxBodySize int64 // bytes; 0 means unlimited

	// ClientBodyBufferSize is how much of a request body gw keeps in
	// memory (client_body_buffer_size). A body of known length up to it is
	// read before the first try; a longer one streams to the upstream. A
	// body whose length must be learnt first (chunked, to an HTTP/1.0
	// upstream) keeps this much in memory and the rest in a file.
	ClientBodyBufferSize int64
	// ClientBodyTempPath is the absolute directory of those files
	// (client_body_temp_path), created when first needed. nginx's hashed
	// subdirectory levels are accepted and ignored: gw unlinks each file
	// as soon as it is created, so no name is ever looked up.
	ClientBodyTempPath string

	// Sticky holds session_sticky_header / session_sticky_hide_cookie /
	// session_sticky_bypass (see the upstream part of the table).
	Sticky sticky.Settings

	// Access holds allow, deny, auth_basic, auth_basic_user_file and
	// satisfy: nginx's access phase, which the handler runs first.
	Access access.Settings

	// RealIP holds set_real_ip_from, real_ip_header and real_ip_recursive:
	// where the client's own address is read when a trusted proxy or load
	// balancer connects on its behalf.
	RealIP realip.Settings

	// ProxyPass is only set on the location that wrote it: nginx does not
	// inherit proxy_pass into nested locations. nil: nothing is proxied.
	ProxyPass *ProxyPass

	// ProxySetHeaders are the proxy_set_header lines in order. nginx's
	// defaults (Host $proxy_host, Connection close) are not in the list:
	// the proxy adds them unless a line here names the same header. [gw]
	// To an upstream with keepalive the proxy speaks HTTP/1.1 and never
	// sends Connection close, whatever these lines and proxy_http_version
	// say: nginx needs both set by hand for keep-alive to work, which users
	// forget. An empty value means the header is not sent.
	ProxySetHeaders  []Header
	ProxyHideHeaders []string // lower-cased
	ProxyPassHeaders []string // lower-cased
	ProxyHTTPVersion string   // HTTPVersion10 (nginx's default) or HTTPVersion11

	// The proxy timeouts are idle timeouts between two successive reads or
	// writes (nginx's meaning), not whole-exchange deadlines.
	ProxyConnectTimeout time.Duration
	ProxyReadTimeout    time.Duration
	ProxySendTimeout    time.Duration

	ProxyNextUpstream        NextUpstream
	ProxyNextUpstreamTries   int           // 0: unlimited
	ProxyNextUpstreamTimeout time.Duration // 0: unlimited

	// ProxyRedirects rewrite Location and Refresh headers of responses, in
	// order; empty means proxy_redirect off.
	ProxyRedirects []ProxyRedirect

	ProxyBuffering        bool
	ProxyRequestBuffering bool
	ProxyInterceptErrors  bool
	// ProxyIgnoreClientAbort: a client that closes its connection while
	// the upstream is awaited does not abandon the upstream request.
	ProxyIgnoreClientAbort bool

	ProxySSLVerify     bool
	ProxySSLServerName bool
	ProxySSLName       *vars.Template // nil: $proxy_host, nginx's default

	// Resolver is the resolver directive (nil: none), which a proxy_pass
	// with variables asks for a host that is neither an upstream nor an
	// address; ResolverTimeout bounds each lookup.
	Resolver        *Resolver
	ResolverTimeout time.Duration

	// ProxyRequest holds proxy_method, proxy_pass_request_headers,
	// proxy_pass_request_body, proxy_set_body and proxy_ssl_session_reuse.
	ProxyRequest proxyreq.Settings

	ClientHeaderTimeout time.Duration
	ClientBodyTimeout   time.Duration
	SendTimeout         time.Duration

	KeepaliveTimeout time.Duration // 0 disables client keep-alive
	// KeepaliveHeaderTimeout is keepalive_timeout's second argument: the
	// value of a "Keep-Alive: timeout=N" response header; 0: no header.
	KeepaliveHeaderTimeout time.Duration
	KeepaliveRequests      int

	LargeClientHeaderBuffers Buffers

	// AccessLogs are where requests handled at this level are logged; empty
	// means access_log off.
	AccessLogs []logs.AccessLog

	SSLCertificate    string   // absolute path, "" when none
	SSLCertificateKey string   // absolute path, "" when none
	SSLProtocols      []string // as written: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3

	Root string // absolute; accepted for compatibility, gw serves no files

	// accessLogOff and redirectOff record an "off" on the level being
	// merged: nginx lets it cancel every access_log / proxy_redirect of that
	// level, whatever their order.
	accessLogOff bool
	redirectOff  bool
}

// Header is a header name with a value template.
type Header struct {
	Name  string
	Value *vars.Template
}

// ProxyPass is the target of proxy_pass.
type ProxyPass struct {
	Pos    parser.Pos
	URL    string // as written
	Scheme string // vars.SchemeHTTP or vars.SchemeHTTPS
	// Host is host[:port] as written: the upstream's name or the literal
	// address.
	Host string
	// ProxyHost is $proxy_host: the upstream name, or the host with the port
	// unless it is the scheme's default.
	ProxyHost string
	// URI is the URI part ("" when the URL has none). When set, the part of
	// the request URI matched by the location prefix is replaced by it.
	URI string
	// Upstream is the upstream block named by Host; nil for a literal host.
	Upstream *upstream.Config
	// Addrs are the resolved ip:port of a literal host, in resolver order;
	// nil when Upstream is set.
	Addrs []string
	// Vars is the URL when it holds variables: it is evaluated per request
	// and only Pos, URL and Vars are set (nginx's ngx_http_proxy_eval
	// reads the result; see upstream/proxy's target.go).
	Vars *vars.Template
	// Upstreams are, with Vars, the upstream blocks of the http block: a
	// value naming one of them without a port goes to it.
	Upstreams []*upstream.Config
}

// NextUpstream and its conditions are conf/proxyreq's, which reads them.
type NextUpstream = proxyreq.NextUpstream

// The proxy_next_upstream conditions.
const (
	NextError         = proxyreq.NextError
	NextTimeout       = proxyreq.NextTimeout
	NextInvalidHeader = proxyreq.NextInvalidHeader
	NextHTTP500       = proxyreq.NextHTTP500
	NextHTTP502       = proxyreq.NextHTTP502
	NextHTTP503       = proxyreq.NextHTTP503
	NextHTTP504       = proxyreq.NextHTTP504
	NextHTTP403       = proxyreq.NextHTTP403
	NextHTTP404       = proxyreq.NextHTTP404
	NextHTTP429       = proxyreq.NextHTTP429
	NextNonIdempotent = proxyreq.NextNonIdempotent
)

// ProxyRedirect is one proxy_redirect rule.
type ProxyRedirect struct {
	// Default is `proxy_redirect default`: the proxy_pass URL is replaced
	// by the location's prefix, computed when the request is proxied.
	Default bool
	// From is a string prefix, or a regex (Regex set) as written after "~"
	// or "~*"; To is the replacement. FromVars is From as a template when
	// the prefix holds variables (nginx allows them there since 1.1.11),
	// evaluated per response; nil for a fixed prefix or a regex.
	From     string
	FromVars *vars.Template
	Regex    *regexp.Regexp
	To       *vars.Template
}

// Buffers is a number of buffers of one size (large_client_header_buffers:
// the number bounds the header lines, the size bounds one line).
type Buffers struct {
	Number int
	Size   int64
}

// Return is `return CODE [TEXT|URL]` or `return URL`.
type Return = rewrite.Return

// AddHeader is `add_header NAME VALUE [always]`.
type AddHeader struct {
	Name   string
	Value  *vars.Template
	Always bool
}

// ErrorPage is `error_page CODE ... [=[RESPONSE]] URI`.
type ErrorPage struct {
	Codes    []int
	Response int // 0: keep the status; -1: "=" without a code (take the page's status)
	URI      *vars.Template
}

// Upstream returns the upstream called name, compared case-insensitively as
// nginx does, or nil.
func (h *HTTP) Upstream(name string) *upstream.Config {
	for _, u := range h.Upstreams {
		if strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}
