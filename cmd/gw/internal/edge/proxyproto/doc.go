// Package proxyproto reads the PROXY protocol header that a load balancer
// in front of gw (HAProxy's send-proxy and send-proxy-v2, keepalived/LVS,
// cloud load balancers) writes at the start of each connection to say
// whose connection it is: version 1 (a text line) and version 2 (binary).
//
// Parse is a pure function over the bytes received so far, so it is
// fuzzed on its own; Conn reads the header off a connection before the
// first byte of the client's protocol (TLS included) and keeps what it
// said for $proxy_protocol_addr and real_ip_header proxy_protocol.
// Behaviour follows nginx's ngx_proxy_protocol_read, with its words in
// the error-log lines.
package proxyproto
