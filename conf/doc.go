// Package conf gives the parser's directive tree its meaning. One directive
// table (name -> allowed contexts, arity, handler) builds a plain-data Config
// and validates cross references; errors carry file:line:col and use nginx's
// words. Nothing here starts goroutines or touches the network.
package conf
