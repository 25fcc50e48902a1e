// Package persist is session persistence: what binds a visitor to the
// server that holds its session, between the proxy's retry loop and the
// balancers. It owns the hook the loop calls (Persistence: clean the
// request's Cookie header, choose the session's peer before the balancer,
// write the response cookie), the per-request memory each implementation
// keeps in the loop's pooled Request (Slot), and session_sticky, the
// implementation over the sticky package (Sticky).
//
// The package knows nothing of the proxy: it sees a request's headers and
// variables, the upstream's peers, and the response header that goes to
// the client.
package persist
