// Package realip is nginx's ngx_http_realip_module as plain data and one
// pure function: set_real_ip_from (the trusted peers), real_ip_header (where
// the client's address is written: X-Real-IP, X-Forwarded-For,
// proxy_protocol or any header) and real_ip_recursive, read with nginx's
// checks and inheritance, and Find, which says what address a request
// from a peer carrying those header lines really comes from.
package realip
