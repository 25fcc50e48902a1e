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
package conf
