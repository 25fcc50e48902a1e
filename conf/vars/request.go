package vars

import (
	"time"

	"github.com/gw-proxy/gw/upstream/resphead"
	"github.com/valyala/fasthttp"
)

// Unmeasured marks an upstream timing that was never taken (the connection
// was never established, no header arrived): nginx prints "-" for it, which
// a zero duration could not express.
const Unmeasured time.Duration = -1

// The schemes of $scheme, of a listener and of proxy_pass.
const (
	SchemeHTTP  = "http"
	SchemeHTTPS = "https"
)

// UpstreamTry is what one attempt to reach an upstream server produced.
// nginx reports every try of a request, joined with ", ", in
// $upstream_addr, $upstream_status and the $upstream_*_time variables.
//
// An entry with no Addr is not a try but the boundary between two
// proxyings of one request (an error_page redirect to a location that
// proxies again): see StartUpstream.
type UpstreamTry struct {
	// Addr is the peer's address text, as $upstream_addr shows it, or the
	// upstream's name for a try no server could take ("no live
	// upstreams", a queue refusal).
	Addr string
	// Status is the upstream's response status; 0 (no response) prints "-".
	Status int
	// ConnectTime, HeaderTime and ResponseTime are measured from the start
	// of the try; Unmeasured (any negative value) prints "-".
	ConnectTime  time.Duration
	HeaderTime   time.Duration
	ResponseTime time.Duration
	// ResponseLength is $upstream_response_length: the body bytes read
	// from the upstream. BytesReceived and BytesSent are
	// $upstream_bytes_received and $upstream_bytes_sent: every byte read
	// from and written to the upstream connection, header included. A try
	// that never reached the peer has them all 0, which nginx prints too.
	ResponseLength int64
	BytesReceived  int64
	BytesSent      int64
}

// Request is the per-request state that variables read. The server fills
// Ctx and Start when the request arrives; the location, proxy and sticky
// code fill the other fields as the request progresses. A Request is meant
// to be pooled: Reset clears it but keeps the capacity of its buffers, so a
// warmed-up Request evaluates templates without allocating.
//
// Variables describe the client's request: request headers are read from the
// header block as received (fasthttp's RawHeaders), but the request line,
// $host, $uri and $args come from Ctx.Request, so a proxy must not rewrite
// Ctx.Request in place for the upstream before the access log is written.
type Request struct {
	Ctx *fasthttp.RequestCtx

	ServerName string // $server_name: the first name of the matched server
	Scheme     string // SchemeHTTP or SchemeHTTPS; "" means: https exactly when Ctx is TLS
	ProxyHost  string // $proxy_host: host[:port] of the proxy_pass target
	ProxyPort  string // $proxy_port

	// Upstream holds one entry per try, in order, and a separator between
	// the tries of two proxyings; see AddUpstreamTry and StartUpstream.
	Upstream []UpstreamTry
	// UpstreamHeader is the last upstream response's header, read by
	// $upstream_http_NAME and $upstream_cookie_NAME; nil when none arrived.
	UpstreamHeader *resphead.Head

	// Status is the status sent to the client; 0 means "read it from
	// Ctx.Response", which is right unless the response was replaced.
	Status int
	// BodyBytesSent is $body_bytes_sent; 0 means "the length of
	// Ctx.Response's body", which is right for responses gw holds in memory.
	BodyBytesSent int64
	// BytesSent is $bytes_sent; 0 means "BodyBytesSent plus the length of
	// Ctx.Response's header as fasthttp serialises it".
	BytesSent int64
	// Start is when the request began, for $request_time; the zero time
	// means Ctx.Time().
	Start time.Time
	// End is when the response was sent in full, for $request_time; the
	// zero time means "now", right when the access log is written as the
	// last byte has gone.
	End time.Time

	// Ender, set by the server, ends the request: writes its access log
	// and resets the Request. A handler whose response body is sent after
	// it returns takes it (TakeEnder) and calls it once the body is
	// written, so that the access log sees the whole response.
	Ender Ender

	StickyCookie []byte // $sticky_cookie: the outcome for the client's cookie
	StickyStatus []byte // $sticky_status: both letters, client cookie then response action (HAProxy style)

	// Captures are the submatch offsets of the last regex match, as
	// regexp.FindSubmatchIndex returns them, into CaptureSubject: $N is
	// CaptureSubject[Captures[2N]:Captures[2N+1]]. Missing or negative
	// offsets evaluate to "".
	Captures       []int
	CaptureSubject []byte
	// CaptureNames are the regex's group names (regexp.SubexpNames), for
	// named captures.
	CaptureNames []string

	// Rewritten: the rewrite directive changed the URI (Ctx's path and
	// query string), which the proxy then sends instead of the client's.
	Rewritten bool
	// URIChanged: a rewrite without flag changed the URI, so the location
	// is searched again once the location's rewrite directives have run
	// (nginx's r->uri_changed; a break clears it).
	URIChanged bool
	// LocationLost: the URI no longer belongs to the location that
	// matched it: rewrite ... break, or a break after a rewrite (nginx's
	// r->valid_location = 0). The proxy then sends the URI whole, without
	// the URI part of its proxy_pass, as nginx does.
	LocationLost bool
	// RedirectCode and RedirectURL are the answer of a rewrite that
	// redirects (rewrite.Redirect ends the script with them).
	RedirectCode int
	RedirectURL  []byte
	// RewriteLog, set while the rewrite directives of a level with
	// rewrite_log on run, logs their notices.
	RewriteLog RewriteLogger
	// Warner, when set (uninitialized_variable_warn on), is told of each
	// read of a set variable that no set has given a value yet.
	Warner Warner
	// RelativeLocation: the proxy passed a Location that starts with "/",
	// which the server makes absolute as nginx's header filter does.
	RelativeLocation bool
	// AccelRedirect is the upstream's X-Accel-Redirect, the URI (or
	// @name) the request is redirected to internally (see
	// proxy.AccelRedirect).
	AccelRedirect []byte
	// Branch is the configuration of the last if in a location whose
	// condition held (conf.Location, kept opaque here): nginx switches
	// the request to that block's configuration, which the location's
	// answer then uses. nil: no if of the location switched it.
	Branch any

	// The values of the variables the configuration defines (defined.go).
	slots     []slot
	defBuf    []byte
	scratches [][]byte
	depth     int

	requestID    [32]byte // $request_id, hex, drawn on first use
	hasRequestID bool
	scratch      []byte // one variable's value while AppendEscaped escapes it
}

// RewriteLogger logs rewrite_log's lines at notice, with the request's
// client, server and request line after them.
type RewriteLogger interface{ RewriteNotice(msg string) }

// Warner logs nginx's "using uninitialized" warning for a variable.
type Warner interface{ UninitializedVariable(name string) }

// Ender ends a request; see Request.Ender.
type Ender interface{ EndRequest() }

// TakeEnder returns r.Ender and clears it: the caller now ends the request,
// and the server, finding no Ender when the handler returns, leaves the
// Request alone. It returns nil when the server set none.
func (r *Request) TakeEnder() Ender {
	e := r.Ender
	r.Ender = nil
	return e
}

// Reset clears r for reuse by another request, keeping buffer capacity.
func (r *Request) Reset() {
	r.resetDefined()
	*r = Request{
		slots:        r.slots,
		defBuf:       r.defBuf,
		scratches:    r.scratches,
		Upstream:     r.Upstream[:0],
		StickyCookie: r.StickyCookie[:0],
		StickyStatus: r.StickyStatus[:0],
		scratch:      r.scratch[:0],
	}
}

// IsSeparator reports whether t is the boundary StartUpstream records
// rather than a try.
func (t *UpstreamTry) IsSeparator() bool { return t.Addr == "" }

// StartUpstream marks the start of a proxying. When an earlier proxying of
// the same request left tries (an error_page internal redirect to a
// location that proxies again), it appends the separator that makes the
// $upstream_* variables print " : " between the two groups: nginx keeps
// the request's upstream states across the redirect and, when it finds
// them already there (ngx_http_upstream_init_request), pushes a zeroed
// state with no peer, which its variable functions print as " : " instead
// of ", ". The separator is zeroed as nginx's is, so that where nginx
// would print one as a value (only right after another separator) gw
// prints the same.
func (r *Request) StartUpstream() {
	if len(r.Upstream) > 0 {
		r.Upstream = append(r.Upstream, UpstreamTry{})
	}
}

// AddUpstreamTry appends a try for the peer at addr (never empty) with
// every timing Unmeasured and no status, and returns it for the proxy to
// fill in. The pointer is valid until the next AddUpstreamTry,
// StartUpstream or Reset.
func (r *Request) AddUpstreamTry(addr string) *UpstreamTry {
	r.Upstream = append(r.Upstream, UpstreamTry{
		Addr:         addr,
		ConnectTime:  Unmeasured,
		HeaderTime:   Unmeasured,
		ResponseTime: Unmeasured,
	})
	return &r.Upstream[len(r.Upstream)-1]
}
