package serve

// Version is gw's version; release builds set it with -ldflags
// "-X github.com/gw-proxy/gw/cmd/gw/internal/serve.Version=...".
var Version = "0.1.0"

// fullToken is "gw/" + Version, built once: every response carries it.
var fullToken = "gw/" + Version

// serverToken is the Server header and error-page signature, as nginx's
// "nginx/1.x" (server_tokens on) or "nginx" (off).
func serverToken(full bool) string {
	if full {
		return fullToken
	}
	return "gw"
}
