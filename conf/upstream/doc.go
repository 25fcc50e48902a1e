// Package upstream is the configuration of one `upstream NAME { }` block:
// its servers (each address a host name resolves to), its balancer, its
// idle-connection settings, its session_sticky directive and its active
// health check (read by conf/check), from the block's directives with
// nginx's and Tengine's checks and words. Config is plain data;
// the runtime that balances between the servers is the top-level upstream
// package, which imports this one as upstreamconf.
//
// Package conf's directive table dispatches each directive of the block to
// a method here (AddServer, SetBalancer, SetKeepalive, ReadCheck...) and
// calls Validate once the block is read.
package upstream
