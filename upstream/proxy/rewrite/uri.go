package rewrite

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
)

// URI turns the client's request URI into the one sent upstream,
// following ngx_http_proxy_create_request:
//
//   - proxy_pass without a URI part: the request URI exactly as the client
//     sent it (nginx's r->unparsed_uri), with no decoding, no merging of
//     slashes, no resolution of dot segments, and an empty "?" kept;
//   - proxy_pass with a URI part: the part of the normalised, decoded path
//     that the location's prefix matched is replaced by the URI part, the
//     rest is escaped again when the client's URI held escapes (nginx's
//     r->quoted_uri), and "?args" follows when there are arguments.
type URI struct {
	replace bool   // proxy_pass has a URI part
	part    string // the URI part, "/two/"
	prefix  int    // length of the location name the part replaces
}

// NewURI compiles the rule of proxy_pass in loc. conf refuses a URI part
// in regex and named locations, so loc.Pattern is a prefix or an exact URI
// whenever the part is set.
func NewURI(loc *conf.Location, pp *conf.ProxyPass) URI {
	if pp.URI == "" {
		return URI{}
	}
	u := URI{replace: true, part: pp.URI}
	if loc != nil && (loc.Modifier == conf.ModPrefix || loc.Modifier == conf.ModExact || loc.Modifier == conf.ModPrefixStop) {
		u.prefix = len(loc.Pattern)
	}
	return u
}

// Append appends the upstream request URI for the client's request.
func (u *URI) Append(dst []byte, req *fasthttp.Request) []byte {
	raw := originForm(req.Header.RequestURI())
	if !u.replace {
		return append(dst, raw...)
	}
	// The path is decoded and normalised, what the location matched.
	return u.appendPath(dst, req.URI(), true, quoted(raw))
}

// AppendRewritten appends the upstream request URI of a request whose URI
// the rewrite directive changed, as ngx_http_proxy_create_request builds
// it then: the new path is escaped (the request is internal now) and
// followed by its arguments. While the URI still belongs to the location
// (a rewrite at server level, or one without flag followed by a new
// location search), the location's prefix is replaced by the URI part of
// proxy_pass as for a client's URI; once it does not (lost: rewrite ...
// break, or break after a rewrite, which clear nginx's
// r->valid_location) the new path goes whole and the URI part is dropped,
// as nginx's documentation of proxy_pass says.
func (u *URI) AppendRewritten(dst []byte, req *fasthttp.Request, lost bool) []byte {
	return u.appendPath(dst, req.URI(), u.replace && !lost, true)
}

// appendPath appends uri's path, its location prefix replaced by the URI
// part of proxy_pass when replace is set, escaped when escape is set, then
// "?args" when it has arguments.
func (u *URI) appendPath(dst []byte, uri *fasthttp.URI, replace, escape bool) []byte {
	path := uri.Path()
	if replace {
		dst = append(dst, u.part...)
		if len(path) >= u.prefix {
			path = path[u.prefix:]
		} else {
			path = nil
		}
	}
	if escape {
		dst = AppendEscapedURI(dst, path)
	} else {
		dst = append(dst, path...)
	}
	if args := uri.QueryString(); len(args) > 0 {
		dst = append(dst, '?')
		dst = append(dst, args...)
	}
	return dst
}

// originForm is the request target sent upstream for an absolute-form
// request: vars.OriginForm ($request_uri's reading), with the "/" nginx
// puts before the arguments of a target with no path ("http://h?a" is
// sent as "/?a").
func originForm(raw []byte) []byte {
	t := vars.OriginForm(raw)
	if len(t) > 0 && t[0] == '?' {
		return append([]byte{'/'}, t...)
	}
	return t
}

// quoted reports whether the path of a raw request URI holds a
// percent-escape, nginx's r->quoted_uri: only then is the decoded path
// escaped again before it goes upstream.
func quoted(raw []byte) bool {
	if i := bytes.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	return bytes.IndexByte(raw, '%') >= 0
}

// uriEscape marks the bytes ngx_escape_uri escapes in NGX_ESCAPE_URI mode:
// control characters, space, '#', '%', '?', DEL and every byte >= 0x80.
// '/' and the other reserved characters stay, so a decoded "%2F" goes
// upstream as "/", as it does from nginx.
var uriEscape = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c <= 0x20 || c >= 0x7f || c == '#' || c == '%' || c == '?'
	}
	return t
}()

// AppendEscapedURI is ngx_escape_uri(NGX_ESCAPE_URI), with upper-case hex
// digits as nginx writes them.
func AppendEscapedURI(dst, s []byte) []byte {
	return vars.AppendPercentEscaped(dst, s, &uriEscape)
}
