package serve

import (
	"errors"
	"net"

	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/cmd/gw/internal/edge"
)

// badRequest answers requests fasthttp could not parse or
// headerReceived refused: nginx's 400 (or 408, 413, 431, 501, 505) with
// its built-in page, the connection closed (fasthttp closes it after an
// error), and an error-log line at info, as nginx logs client errors.
// Nothing of a malformed request is passed on, and nothing of it is
// logged: parse errors quote the request's bytes, which may carry
// cookies or credentials.
func badRequest(log zerolog.Logger, ctx *fasthttp.RequestCtx, err error) {
	if edge.Reclaimed(ctx.Conn()) {
		return // closed to make room: nobody is listening
	}
	code, msg := edge.Classify(&ctx.Request.Header, err)
	log.Info().Str("client", ctx.RemoteAddr().String()).Int("status", code).Msg(msg)
	ctx.Response.Reset()
	ctx.SetStatusCode(code)
	ctx.Response.Header.SetContentType("text/html")
	ctx.Response.Header.SetServer(serverToken(true))
	ctx.Response.SetConnectionClose()
	ctx.SetBody(statusPage(code, serverToken(true)))
}

// fasthttpLogger routes fasthttp's own messages into the error log. Their
// error arguments can quote request bytes, so only network errors (which
// name addresses, not contents) keep their text.
type fasthttpLogger struct{ l *listener }

func (f fasthttpLogger) Printf(format string, args ...any) {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = redactError(err)
		}
	}
	f.l.log().Info().Msgf(format, args...)
}

// redactError keeps a network error's text and replaces any other.
func redactError(err error) string {
	var ne *net.OpError
	if errors.As(err, &ne) {
		return ne.Error()
	}
	return "invalid request (details withheld: they may quote the request)"
}
