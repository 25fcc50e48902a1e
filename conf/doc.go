// Package conf gives the parser's directive tree its meaning. One directive
// table (name -> allowed contexts, arity, handler) builds a plain-data Config
// and validates cross references; errors carry file:line:col and use nginx's
// words. Nothing here starts goroutines; the network is touched only to
// resolve host names written in listen, proxy_pass and upstream servers, once
// per build, as nginx does when it reads its configuration.
//
// Entry points: Load (what gw -t and every reload run: parse with includes,
// -g directives, build, validate) and Build (an already parsed tree). How
// directives are declared and how settings inherit is described at the top
// of table.go.
//
// conf is the one place a configuration is checked, the rules between
// directives included (listens that share a socket, duplicate locations,
// which package location takes as given). The table, the walk and the
// model stay here; reading what needs no walk is split by concern into
// subpackages, none of which imports conf: value (one argument's value),
// address (listen and upstream addresses, and the resolver), upstream (the
// upstream block), sticky (session_sticky), check (active health checks and
// check_status), logs (error_log, log_format, access_log) and ssl (TLS
// files and protocols).
package conf
