// Package maps owns nginx's map block (ngx_http_map_module): a variable
// whose value is chosen by matching a source value — any template, such as
// "$host$uri" — against exact keys, host-name wildcards and regexes.
//
// A map is compiled once, when the configuration is built: exact keys go
// into a Go map (compared lower-cased, as nginx's hash is), wildcards of a
// `hostnames` map into two more (`*.example.com` and `.example.com` by
// suffix, `www.example.*` by prefix), regexes into a list tried in the order
// written; the first regex that matches wins, as in nginx. At run time the
// map is the variable's vars.Evaluator: vars.Request calls it the first time
// the variable is read in a request and keeps the result (on every read for
// a `volatile` map). Evaluating allocates nothing for exact keys, wildcards
// and regexes whose value uses no capture; a value that uses $1..$9 or a
// named group costs the regexp package's submatch slice.
//
// Errors are nginx's: `duplicate default map parameter`, `conflicting
// parameter "k"`, `invalid hostname or wildcard "k"`, `invalid number of
// the map parameters`, `invalid variable name "x"`, and vars's `the
// duplicate "host" variable` for a map onto a built-in variable.
package maps
