// Package fastserver is gw's one fasthttp server configuration: New builds
// the fasthttp.Server that serves a listener, with its options taken from
// the settings of the listener's default server and edge's hooks
// (cmd/gw/internal/edge) wired in. What differs between callers, the
// handler and where errors and fasthttp's messages go, comes in Hooks.
//
// It is a package of its own so that upstream/proxy's tests serve the
// proxy through exactly the options gw runs with, instead of a copy that
// drifts. That fixes where it lives: under cmd/gw, because it uses edge,
// which is internal to cmd/gw; and outside cmd/gw/internal, so that
// upstream/ may import it. It imports only conf, fasthttp and edge, and
// edge imports neither serve nor the proxy (edge.AbortTarget is why), so a
// test of package proxy that imports it makes no import cycle.
package fastserver
