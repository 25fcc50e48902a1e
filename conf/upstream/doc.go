// Package upstream is the configuration of one `upstream NAME { }` block:
// its servers (each address a host name resolves to), its balancer, its
// idle-connection settings and its session_sticky directive, read from the
// block's directives with nginx's checks and words. Config is plain data;
// the runtime that balances between the servers is the top-level upstream
// package, which imports this one as upstreamconf.
//
// Package conf's directive table dispatches each directive of the block to
// a method here (AddServer, SetBalancer, SetKeepalive...) and calls Check
// once the block is read.
package upstream
