// Package address reads the network addresses a configuration names, with
// nginx's rules and error words: listen's address (a bare port, "*" and a
// missing port have nginx's meanings), and the host[:port] of an upstream
// server or of proxy_pass. Host names are resolved here, once per build, as
// nginx resolves them when it reads its configuration: a name that moves
// needs a reload.
//
// It knows nothing of the model: it turns argument text into addresses,
// and package conf decides what they belong to.
package address
