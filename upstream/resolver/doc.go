// Package resolver is nginx's run-time resolver for gw: the host name of a
// proxy_pass with variables is looked up when a request needs it, by asking
// the name servers of the `resolver` directive directly over UDP (not the
// system's resolver, as in nginx), and the answer is kept for its TTL or
// for valid=. It owns the DNS exchange (dns.go) and the cache of answers
// (cache.go); the caller decides what a failure answers (502).
package resolver
