package api

import (
	"io"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/pages"
)

// request is one API request, its path cut into segments.
type request struct {
	ctx    *fasthttp.RequestCtx
	method string
	// path are the segments after /api/v1/, percent-decoded: a server key
	// "10.0.0.1:80#2" is written 10.0.0.1:80%232 in a URL. A trailing
	// slash adds no empty segment.
	path []string
	user string // authenticated user, "" for none
	// client is the client's IP address, for the audit lines.
	client string
	page   *pages.Page // the location's gw_api directive

	bodyBytes []byte // the body, once read (body)
	bodyRead  bool
}

// newRequest reads ctx; ok is false when its path is not under Prefix.
func newRequest(ctx *fasthttp.RequestCtx, user string, pg *pages.Page) (*request, bool) {
	// fasthttp's Path is decoded and normalised: no "..", no "//".
	p := string(ctx.Path())
	rest, ok := strings.CutPrefix(p+"/", Prefix)
	if !ok {
		return nil, false
	}
	r := &request{ctx: ctx, method: string(ctx.Method()), user: user, client: ctx.RemoteIP().String(), page: pg}
	if rest = strings.Trim(rest, "/"); rest != "" {
		r.path = strings.Split(rest, "/")
	}
	return r, true
}

// allow reports whether the request's method is one of methods; if not,
// it answers 405 with an Allow header listing them.
func (r *request) allow(methods ...string) bool {
	for _, m := range methods {
		if r.method == m {
			return true
		}
	}
	r.ctx.Response.Header.Set(fasthttp.HeaderAllow, strings.Join(methods, ", "))
	writeError(r.ctx, fasthttp.StatusMethodNotAllowed, "method %s not allowed on %s (allowed: %s)",
		r.method, pathOf(r.path), strings.Join(methods, ", "))
	return false
}

// notFound answers 404 for the request's path.
func (r *request) notFound() {
	writeError(r.ctx, fasthttp.StatusNotFound, "no such resource: %s", pathOf(r.path))
}

// maxBody bounds a request body the API reads: a configuration is a few
// kilobytes, and the body is held in memory.
const maxBody = 1 << 20

// body reads the request's body, at most maxBody bytes. gw's fasthttp
// streams request bodies (they go upstream as they arrive), so the body
// is read from the stream, where there is one, rather than through
// fasthttp's Body, which would read all of it whatever its size. On failure it
// answers the error (413 for too large, 400 for a body that did not
// arrive) and ok is false.
func (r *request) body() (b []byte, ok bool) {
	if r.bodyRead {
		return r.bodyBytes, true
	}
	var err error
	if req := &r.ctx.Request; req.IsBodyStream() {
		b, err = io.ReadAll(io.LimitReader(req.BodyStream(), maxBody+1))
	} else {
		b = req.Body() // a server that does not stream bodies has read it
	}
	switch {
	case err != nil:
		writeError(r.ctx, fasthttp.StatusBadRequest, "reading the body: %v", err)
		return nil, false
	case len(b) > maxBody:
		writeError(r.ctx, fasthttp.StatusRequestEntityTooLarge, "the body is larger than %d bytes", maxBody)
		return nil, false
	}
	r.bodyBytes, r.bodyRead = b, true
	return b, true
}
