// Package api is gw's runtime API, the gw_api page: JSON over HTTP under
// /api/v1/, for what operators of HAProxy do through its runtime socket
// and Data Plane API and those of Tengine through dyups. It owns the
// routing, the JSON replies and errors, the audit lines of accepted
// writes, and the run-time resources: the state of upstream servers
// (drain, maint, ready, weight), changed without a reload through the
// overrides upstream.PeerState keeps across reloads. The configuration
// resources and transactions (config.go) build on the same request,
// reply and audit helpers.
//
// It reads the serving gw only through Runtime, which serve.Server
// implements, so that it is tested with a fake and imports nothing of
// serve. One API lives as long as its Server, across reloads.
package api
