// Package rewrite owns the directives of nginx's rewrite module that run
// in its rewrite phases, as plain data and the small interpreter that runs
// them: `set $var value;`, `if (condition) { ... }`, `break;`, return
// inside an if, and `rewrite regex replacement [flag];`. A Script is one level's steps in the
// order written (a server's run before its location is chosen, nginx's
// server rewrite phase; a location's after, its rewrite phase); nginx does
// not inherit them, and neither does gw. An if block holds a Script of
// its own; a break or return in it ends the level's script. A rewrite
// changes the request's URI in place (the proxy then sends it, see
// vars.Request.Rewritten), or ends the script with a redirect, or with
// last, which makes the server search the location again.
package rewrite
