package conf

import (
	"time"
)

// httpDirectives are nginx's http core: the server and location blocks and
// the client-side settings inherited from http to location.
var httpDirectives = []directive{
	{name: "server", ctx: ctxHTTP, args: exactly(0), block: true, multi: true, handle: serverBlock},
	{name: "listen", ctx: ctxServer, args: atLeast(1), multi: true, handle: listenDirective},
	{name: "server_name", ctx: ctxServer, args: atLeast(1), multi: true, handle: serverNameDirective},
	{name: "location", ctx: ctxServer | ctxLoc, args: between(1, 2), block: true, multi: true, handle: locationBlock},

	// return may be written twice; the first one answers, as in nginx.
	{name: "return", ctx: ctxSL, args: between(1, 2), multi: true, set: returnSetter},
	{name: "add_header", ctx: ctxHSL, args: between(2, 3), multi: true, set: addHeaderSetter,
		reset: func(s *Settings) { s.AddHeaders = nil }},
	{name: "error_page", ctx: ctxHSL, args: atLeast(2), multi: true, set: errorPageSetter,
		reset: func(s *Settings) { s.ErrorPages = nil }},

	{name: "client_max_body_size", ctx: ctxHSL, args: exactly(1),
		set: sizeSetter(func(s *Settings) *int64 { return &s.ClientMaxBodySize })},
	{name: "client_body_buffer_size", ctx: ctxHSL, args: exactly(1),
		set: sizeSetter(func(s *Settings) *int64 { return &s.ClientBodyBufferSize })},
	{name: "client_body_temp_path", ctx: ctxHSL, args: between(1, 4), set: bodyTempPathSetter},
	{name: "client_header_timeout", ctx: ctxHS, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ClientHeaderTimeout })},
	{name: "client_body_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.ClientBodyTimeout })},
	{name: "send_timeout", ctx: ctxHSL, args: exactly(1),
		set: timeSetter(func(s *Settings) *time.Duration { return &s.SendTimeout })},
	{name: "keepalive_timeout", ctx: ctxHSL, args: between(1, 2), set: keepaliveTimeoutSetter},
	{name: "keepalive_requests", ctx: ctxHSL, args: exactly(1),
		set: numberSetter(func(s *Settings) *int { return &s.KeepaliveRequests })},
	{name: "large_client_header_buffers", ctx: ctxHS, args: exactly(2), set: headerBuffersSetter},
	{name: "server_tokens", ctx: ctxHSL, args: onOff,
		set: flagSetter(func(s *Settings) *bool { return &s.ServerTokens })},
	{name: "root", ctx: ctxHSL, args: exactly(1), set: rootSetter},

	{name: "ssl_certificate", ctx: ctxHS, args: exactly(1), set: sslCertificateSetter},
	{name: "ssl_certificate_key", ctx: ctxHS, args: exactly(1), set: sslKeySetter},
	{name: "ssl_protocols", ctx: ctxHS, args: atLeast(1), set: sslProtocolsSetter},
}
