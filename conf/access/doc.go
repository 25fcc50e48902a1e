// Package access is the configuration side of nginx's access control:
// ngx_http_access_module's allow and deny, ngx_http_auth_basic_module's
// auth_basic and auth_basic_user_file, and the core module's satisfy, read
// with nginx's words and merged as nginx merges them (Settings).
//
// Unlike nginx, which opens the user file on every request, gw reads it
// when the configuration is built (UserFile): gw -t reports a missing or
// unreadable file at the directive, and every reload reads it again. The
// file's password hashes are checked here too, with nginx's formats
// ({PLAIN}, {SHA}, {SSHA}, $apr1$) and those nginx leaves to the C
// library's crypt() that gw can do without it ($1$, $5$, $6$, bcrypt).
//
// It is plain data and pure functions: the request handler in
// cmd/gw/internal/serve runs nginx's access phase over Settings, and
// package conf's directive table hands the directives here.
package access
