// Package rewrite owns the directives of nginx's rewrite module that run
// in its rewrite phases, as plain data and the small interpreter that runs
// them: for now `set $var value;`. A Script is one level's steps in the
// order written (a server's run before its location is chosen, nginx's
// server rewrite phase; a location's after, its rewrite phase); nginx does
// not inherit them, and neither does gw. `if`, `rewrite` and `break` are
// meant to become further Steps: an if block holds a Script of its own.
package rewrite
