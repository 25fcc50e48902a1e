package conf

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// returnSetter reads `return CODE [TEXT|URL]` and `return URL` with
// ngx_http_rewrite_return's rules: a lone argument that is not a number
// must be an http(s) URL (or start with $scheme) and means 302.
func returnSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	r, err := b.parseReturn(d)
	if err != nil {
		return nil, err
	}
	return func(s *Settings) {
		if s.Return == nil {
			s.Return = r
		}
	}, nil
}

// parseReturn reads the arguments of return, at a level's top or in an
// if block.
func (b *builder) parseReturn(d *parser.Directive) (*Return, error) {
	r := &Return{Pos: d.Pos}
	first := d.Args[0]
	code, isCode := value.Number(first.Value)
	var text *parser.Arg
	switch {
	case isCode && code <= 999:
		r.Code = code
		if len(d.Args) == 2 {
			text = &d.Args[1]
		}
	case !isCode && len(d.Args) == 1 && isRedirectURL(first.Value):
		r.Code, text = 302, &first
	default:
		return nil, errorAt(first.Pos, "invalid return code %q", first.Value)
	}
	if text != nil {
		t, err := b.template(*text)
		if err != nil {
			return nil, err
		}
		r.Text = t
	}
	return r, nil
}

// isRedirectURL is nginx's test for `return URL`.
func isRedirectURL(v string) bool {
	return (len(v) > len("http://") && strings.HasPrefix(v, "http://")) ||
		(len(v) > len("https://") && strings.HasPrefix(v, "https://")) ||
		(len(v) > len("$scheme") && strings.HasPrefix(v, "$scheme"))
}

// addHeaderSetter reads `add_header NAME VALUE [always]`.
func addHeaderSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	h := AddHeader{Name: d.Args[0].Value}
	if len(d.Args) == 3 {
		if d.Args[2].Value != "always" {
			return nil, errorAt(d.Args[2].Pos, "invalid parameter %q", d.Args[2].Value)
		}
		h.Always = true
	}
	v, err := b.template(d.Args[1])
	if err != nil {
		return nil, err
	}
	h.Value = v
	return func(s *Settings) { s.AddHeaders = append(s.AddHeaders, h) }, nil
}

// errorPageSetter reads `error_page CODE ... [=[RESPONSE]] URI`.
func errorPageSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	args := d.Args
	uri, err := b.template(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	p := ErrorPage{URI: uri}
	codes := args[:len(args)-1]
	if last := codes[len(codes)-1]; strings.HasPrefix(last.Value, "=") {
		if p.Response, err = errorPageResponse(last); err != nil {
			return nil, err
		}
		codes = codes[:len(codes)-1]
	}
	if len(codes) == 0 {
		return nil, errorAt(d.Pos, "invalid number of arguments in %q directive", d.Name)
	}
	for _, a := range codes {
		c, ok := value.Number(a.Value)
		if !ok {
			return nil, errorAt(a.Pos, "invalid value %q", a.Value)
		}
		if c < 300 || c > 599 {
			return nil, errorAt(a.Pos, "value %q must be between 300 and 599", a.Value)
		}
		p.Codes = append(p.Codes, c)
	}
	return func(s *Settings) { s.ErrorPages = append(s.ErrorPages, p) }, nil
}

// errorPageResponse reads "=" (-1: the page's own status) or "=CODE".
func errorPageResponse(a parser.Arg) (int, error) {
	if a.Value == "=" {
		return -1, nil
	}
	c, ok := value.Number(a.Value[1:])
	if !ok || c == 0 || c > 999 {
		return 0, errorAt(a.Pos, "invalid value %q", a.Value)
	}
	return c, nil
}

// keepaliveTimeoutSetter reads `keepalive_timeout TIMEOUT [HEADER_TIMEOUT]`.
func keepaliveTimeoutSetter(_ *builder, d *parser.Directive) (func(*Settings), error) {
	t, ok := value.Time(d.Args[0].Value)
	if !ok {
		return nil, value.Invalid(d, d.Args[0])
	}
	var header time.Duration
	if len(d.Args) == 2 {
		// The header carries whole seconds: nginx parses it without ms.
		if header, ok = value.Seconds(d.Args[1].Value); !ok {
			return nil, value.Invalid(d, d.Args[1])
		}
	}
	return func(s *Settings) {
		s.KeepaliveTimeout = t
		s.KeepaliveHeaderTimeout = header
	}, nil
}

// headerBuffersSetter reads `large_client_header_buffers NUMBER SIZE`.
func headerBuffersSetter(_ *builder, d *parser.Directive) (func(*Settings), error) {
	n, ok := value.Number(d.Args[0].Value)
	if !ok || n == 0 {
		return nil, value.Invalid(d, d.Args[0])
	}
	size, ok := value.Size(d.Args[1].Value)
	if !ok || size == 0 {
		return nil, value.Invalid(d, d.Args[1])
	}
	bufs := Buffers{Number: n, Size: size}
	return func(s *Settings) { s.LargeClientHeaderBuffers = bufs }, nil
}

// rootSetter accepts root for compatibility; gw serves no files, so the
// path is only resolved, never opened.
func rootSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	root := b.path(d.Args[0].Value)
	return func(s *Settings) { s.Root = root }, nil
}

// bodyTempPathSetter reads `client_body_temp_path PATH [L1 [L2 [L3]]]`
// with ngx_conf_set_path_slot's checks: each level is a positive number and
// together they take at most 10 digits of the file's name. The levels are
// then ignored, with a notice: they spread nginx's named files over
// subdirectories, and gw's files have no name once created.
func bodyTempPathSetter(b *builder, d *parser.Directive) (func(*Settings), error) {
	dir := b.path(d.Args[0].Value)
	digits := 0
	for _, a := range d.Args[1:] {
		n, ok := value.Number(a.Value)
		if digits += n; !ok || n == 0 || digits > 10 {
			return nil, value.Invalid(d, a)
		}
	}
	if len(d.Args) > 1 {
		b.notice(d.Args[1].Pos, "%q levels are accepted and ignored: gw unlinks its temporary files as soon as they are created", d.Name)
	}
	return func(s *Settings) { s.ClientBodyTempPath = dir }, nil
}
