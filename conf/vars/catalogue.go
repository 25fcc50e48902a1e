package vars

import (
	"fmt"
	"strings"
)

// entry is one named variable of the catalogue.
type entry struct {
	get  getter
	opts opts
	key  string // for variables that are a fixed header: the $http_ suffix
}

// catalogue holds every variable with a fixed name. It is only read at
// Parse time: templates keep the getter, never the name.
var catalogue = map[string]entry{
	// connection
	"remote_addr":         {get: getRemoteAddr, opts: needsCtx},
	"remote_port":         {get: getRemotePort, opts: needsCtx},
	"binary_remote_addr":  {get: getBinaryRemoteAddr, opts: needsCtx},
	"server_addr":         {get: getServerAddr, opts: needsCtx},
	"server_port":         {get: getServerPort, opts: needsCtx},
	"connection":          {get: getConnection, opts: needsCtx},
	"connection_requests": {get: getConnectionRequests, opts: needsCtx},
	"scheme":              {get: getScheme},
	"https":               {get: getHTTPS, opts: keepEmpty},
	"server_name":         {get: getServerName, opts: keepEmpty},
	"hostname":            {get: getHostname},
	"pid":                 {get: getPID},
	"remote_user":         {get: getRemoteUser, opts: needsCtx},

	// realip and the PROXY protocol
	"realip_remote_addr":         {get: getRealIPRemoteAddr, opts: needsCtx},
	"realip_remote_port":         {get: getRealIPRemotePort, opts: needsCtx},
	"proxy_protocol_addr":        {get: getProxyProtocolAddr, opts: needsCtx},
	"proxy_protocol_port":        {get: getProxyProtocolPort, opts: needsCtx},
	"proxy_protocol_server_addr": {get: getProxyProtocolServerAddr, opts: needsCtx},
	"proxy_protocol_server_port": {get: getProxyProtocolServerPort, opts: needsCtx},

	// request line and URI
	"request":         {get: getRequestLine, opts: needsCtx},
	"request_method":  {get: getRequestMethod, opts: needsCtx},
	"request_uri":     {get: getRequestURI, opts: needsCtx},
	"uri":             {get: getURI, opts: needsCtx},
	"document_uri":    {get: getURI, opts: needsCtx},
	"args":            {get: getArgs, opts: needsCtx},
	"query_string":    {get: getArgs, opts: needsCtx},
	"is_args":         {get: getIsArgs, opts: needsCtx | keepEmpty},
	"server_protocol": {get: getServerProtocol, opts: needsCtx},
	"host":            {get: getHost},
	"request_length":  {get: getRequestLength, opts: needsCtx},
	"request_id":      {get: getRequestID},
	"content_type":    {get: getHTTPHeader, opts: needsCtx, key: "content_type"},
	"content_length":  {get: getHTTPHeader, opts: needsCtx, key: "content_length"},

	"proxy_add_x_forwarded_for": {get: getProxyAddXFF, opts: needsCtx},
	"proxy_host":                {get: getProxyHost},
	"proxy_port":                {get: getProxyPort},

	// response and upstream
	"status":                   {get: getStatus, opts: needsCtx},
	"body_bytes_sent":          {get: getBodyBytesSent, opts: needsCtx},
	"bytes_sent":               {get: getBytesSent, opts: needsCtx},
	"upstream_addr":            {get: getUpstreamAddr},
	"upstream_status":          {get: getUpstreamStatus},
	"upstream_connect_time":    {get: getUpstreamConnectTime},
	"upstream_header_time":     {get: getUpstreamHeaderTime},
	"upstream_response_time":   {get: getUpstreamResponseTime},
	"upstream_response_length": {get: getUpstreamResponseLength},
	"upstream_bytes_received":  {get: getUpstreamBytesReceived},
	"upstream_bytes_sent":      {get: getUpstreamBytesSent},
	"sticky_cookie":            {get: getStickyCookie},
	"sticky_status":            {get: getStickyStatus},

	// time
	"time_local":    {get: getTimeLocal},
	"time_iso8601":  {get: getTimeISO8601},
	"msec":          {get: getMsec},
	"request_time":  {get: getRequestTime},
	"nginx_version": {get: getVersion},
}

// family is a prefix variable: the rest of the name says which header,
// cookie or argument to read.
type family struct {
	prefix string
	get    getter
	opts   opts
}

// families are tried in order; none is a prefix of another.
var families = []family{
	{prefix: "http_", get: getHTTPHeader, opts: needsCtx},
	{prefix: "cookie_", get: getCookie, opts: needsCtx},
	{prefix: "arg_", get: getArg, opts: needsCtx},
	{prefix: "sent_http_", get: getSentHeader, opts: needsCtx},
	{prefix: "upstream_http_", get: getUpstreamHeader},
	{prefix: "upstream_cookie_", get: getUpstreamCookie},
}

// resolve binds a variable name to its getter.
func resolve(name string) (part, error) {
	lower := strings.ToLower(name)
	p := part{name: lower}
	if len(lower) == 1 && lower[0] >= '1' && lower[0] <= '9' {
		p.get, p.n = getCapture, int(lower[0]-'0')
		return p, nil
	}
	if e, ok := catalogue[lower]; ok {
		p.get, p.opts = e.get, e.opts
		if e.key != "" {
			p.setKey(e.key)
		}
		return p, nil
	}
	for _, f := range families {
		if suffix, ok := strings.CutPrefix(lower, f.prefix); ok {
			p.get, p.opts = f.get, f.opts
			p.setKey(suffix)
			if f.prefix == "http_" && suffix == "cookie" {
				p.get = getHTTPCookie // nginx joins Cookie lines with "; "
			}
			return p, nil
		}
	}
	return part{}, fmt.Errorf("unknown %q variable", lower)
}

// resolveCapture binds name to a named capture when captures has it.
func resolveCapture(name string, captures []string) (part, error) {
	lower := strings.ToLower(name)
	for _, c := range captures {
		if c == lower {
			return part{name: lower, get: getNamedCapture}, nil
		}
	}
	return part{}, fmt.Errorf("unknown %q variable", lower)
}

// setKey stores the lookup forms of a prefix variable's suffix.
func (p *part) setKey(suffix string) {
	p.key = []byte(suffix)
	p.canon = canonicalHeader(suffix)
}

// canonicalHeader turns "x_real_ip" into fasthttp's "X-Real-Ip".
func canonicalHeader(suffix string) string {
	b := []byte(suffix)
	upper := true
	for i, c := range b {
		if c == '_' {
			b[i], upper = '-', true
			continue
		}
		if upper && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		upper = false
	}
	return string(b)
}
