// Package proxyreq reads the directives that shape the request a location
// sends upstream beyond its header lines: proxy_method,
// proxy_pass_request_headers, proxy_pass_request_body, proxy_set_body,
// and proxy_ssl_session_reuse for the connection that carries it; and
// proxy_next_upstream's conditions, which decide when it is sent again.
package proxyreq

import (
	"strings"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Settings are those directives in effect at one level. Their zero value
// is nginx's defaults, so a level that writes none of them needs nothing:
// conf copies the parent's settings into a level, then applies its own.
type Settings struct {
	// Method replaces the client's method (proxy_method); nil keeps it.
	Method *vars.Template
	// NoClientHeaders is proxy_pass_request_headers off: only the lines
	// gw makes (proxy_set_header, Host, Connection) are sent.
	NoClientHeaders bool
	// NoClientBody is proxy_pass_request_body off: the client's body is
	// not sent.
	NoClientBody bool
	// Body is proxy_set_body: the body sent in place of the client's.
	Body *vars.Template
	// NoSSLSessionReuse is proxy_ssl_session_reuse off.
	NoSSLSessionReuse bool
}

// Env is what a reader needs from conf: the parse of a value with
// variables, which knows the server_name captures.
type Env struct {
	Template func(parser.Arg) (*vars.Template, error)
}

// Reader reads one directive into the change it makes to a level.
type Reader func(d *parser.Directive, env Env) (func(*Settings), error)

// ReadMethod reads proxy_method METHOD.
func ReadMethod(d *parser.Directive, env Env) (func(*Settings), error) {
	t, err := env.Template(d.Args[0])
	if err != nil {
		return nil, err
	}
	return func(s *Settings) { s.Method = t }, nil
}

// ReadSetBody reads proxy_set_body VALUE.
func ReadSetBody(d *parser.Directive, env Env) (func(*Settings), error) {
	t, err := env.Template(d.Args[0])
	if err != nil {
		return nil, err
	}
	return func(s *Settings) { s.Body = t }, nil
}

// Off makes the reader of an on|off directive whose "off" sets the flag
// field returns; conf checks the argument is on or off.
func Off(field func(*Settings) *bool) Reader {
	return func(d *parser.Directive, _ Env) (func(*Settings), error) {
		off := strings.EqualFold(d.Args[0].Value, "off")
		return func(s *Settings) { *field(s) = off }, nil
	}
}

// The on|off directives' fields.
var (
	ClientHeaders   = func(s *Settings) *bool { return &s.NoClientHeaders }
	ClientBody      = func(s *Settings) *bool { return &s.NoClientBody }
	SSLSessionReuse = func(s *Settings) *bool { return &s.NoSSLSessionReuse }
)
