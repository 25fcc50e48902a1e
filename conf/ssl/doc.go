// Package ssl checks the TLS material and settings of the ssl_* directives
// when the configuration is read, as nginx -t does: a certificate or key
// file that is missing, unreadable or not PEM of the right kind, a key that
// does not match its certificate, or a protocol Go's crypto/tls cannot
// speak fails the test rather than the first handshake. The serving
// runtime loads the files again when it starts; nothing is kept here.
package ssl
