// Package rewrite holds proxy_pass's two rewrites of what crosses the
// proxy: the request URI sent upstream (the location's prefix replaced by
// proxy_pass's URI part, escapes kept as the client sent them) and
// proxy_redirect's rewriting of the Location and Refresh headers that come
// back. Both are compiled once per location and applied without allocating.
package rewrite
