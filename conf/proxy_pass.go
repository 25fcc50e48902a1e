package conf

import (
	"strings"

	"github.com/gw-proxy/gw/conf/address"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// proxyPassSetter reads `proxy_pass URL`. The URL's host is looked up once
// the whole http block is read, as nginx's ngx_http_upstream_init_main_conf
// does: it may name an upstream defined further down.
func proxyPassSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	a := d.Args[0]
	t, err := b.template(a)
	if err != nil {
		return nil, err
	}
	if !t.IsLiteral() {
		// nginx checks nothing more at load time (ngx_http_proxy_pass
		// compiles the script and returns): the value is judged per
		// request, where an invalid one is a 500 with its log line.
		b.lvl.proxyPassVars = true
		p := &ProxyPass{Pos: a.Pos, URL: a.Value, Vars: t}
		b.later(func() error { p.Upstreams = b.http().Upstreams; return nil })
		return func(s *Settings) { s.ProxyPass = p }, nil
	}
	p, rest, err := parseProxyURL(a)
	if err != nil {
		return nil, err
	}
	if p.URI != "" && (b.loc.Regex != nil || b.loc.Modifier == ModNamed || b.lvl.branch) {
		return nil, errorAt(a.Pos, "\"proxy_pass\" cannot have URI part in location given by regular "+
			"expression, or inside named location, or inside \"if\" statement, or inside \"limit_except\" block")
	}
	b.later(func() error { return b.resolveProxyPass(p, a, rest) })
	return func(s *Settings) { s.ProxyPass = p }, nil
}

// parseProxyURL splits scheme://host[:port][/uri]. rest is the URL after
// the scheme, which nginx quotes in its upstream errors.
func parseProxyURL(a parser.Arg) (p *ProxyPass, rest string, err error) {
	p = &ProxyPass{Pos: a.Pos, URL: a.Value}
	lower := strings.ToLower(a.Value)
	switch {
	case strings.HasPrefix(lower, "http://"):
		p.Scheme, rest = vars.SchemeHTTP, a.Value[len("http://"):]
	case strings.HasPrefix(lower, "https://"):
		p.Scheme, rest = vars.SchemeHTTPS, a.Value[len("https://"):]
	default:
		return nil, "", errorAt(a.Pos, "invalid URL prefix in %q", a.Value)
	}
	p.Host = rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		p.Host, p.URI = rest[:i], rest[i:]
	}
	if p.Host == "" {
		return nil, "", errorAt(a.Pos, "no host in upstream %q", rest)
	}
	if strings.HasPrefix(p.Host, "unix:") {
		return nil, "", errorAt(a.Pos, "unix domain sockets are not supported in upstream %q", rest)
	}
	return p, rest, nil
}

// resolveProxyPass binds the URL's host to an upstream block (names compare
// case-insensitively, as in nginx), or resolves a literal host[:port] the
// way an upstream's server is resolved (address.SplitUpstream,
// address.Resolve), so both name the same addresses.
func (b *builder) resolveProxyPass(p *ProxyPass, a parser.Arg, rest string) error {
	name, port, hasPort := address.SplitHostPort(p.Host)
	if u := b.http().Upstream(name); u != nil {
		if hasPort {
			return errorAt(a.Pos, "upstream %q may not have port %s", u.Name, port)
		}
		p.Upstream, p.ProxyHost = u, p.Host
		return nil
	}
	host, ip, n, reason := address.SplitUpstream(p.Host)
	if reason != "" {
		return errorAt(a.Pos, "%s in upstream %q", reason, rest)
	}
	defPort := uint16(80)
	if p.Scheme == vars.SchemeHTTPS {
		defPort = 443
	}
	if !hasPort {
		n = defPort
	}
	// $proxy_host omits the scheme's default port, as nginx's does.
	p.ProxyHost = p.Host
	if n == defPort {
		p.ProxyHost = strings.TrimSuffix(p.Host, ":"+port)
	}
	addrs, ok := address.Resolve(host, ip, n)
	if !ok {
		return errorAt(a.Pos, "host not found in upstream %q", rest)
	}
	p.Addrs = addrs
	return nil
}
