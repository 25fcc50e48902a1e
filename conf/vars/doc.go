// Package vars owns nginx-style variables: the catalogue of names gw knows,
// parsing of arguments that contain $name or ${name} into templates whose
// variables are resolved to indexed getters when the configuration is built,
// and evaluating those templates for one request without name lookups.
//
// Parse binds each variable to a getter and precomputes what the getter
// needs (a header name in the form it is compared in, a capture number), so
// Template.Append is a loop over literal text and function calls that appends
// into the caller's buffer. Request carries the per-request state those
// getters read: the fasthttp.RequestCtx plus what the server, location, proxy
// and sticky code learn while handling the request.
//
// Semantics follow nginx, with these choices written down:
//   - $http_NAME joins repeated header lines with ", " (nginx 1.23+), and
//     $http_cookie joins Cookie lines with "; ". Names compare
//     case-insensitively with "-" read as "_"; header names that contain "_"
//     match nothing (nginx's default underscores_in_headers off).
//   - $cookie_NAME and $arg_NAME compare names case-insensitively and return
//     the value as sent (arguments are not percent-decoded), as nginx does.
//   - In log lines (AppendEscaped with EscapeDefault) a variable with no
//     value is written "-". nginx tells "absent" from "present but empty";
//     gw writes "-" for both except for variables that are empty by design
//     ($is_args, $https, $server_name).
//   - $request_id is drawn lazily, once per Request, from math/rand/v2.
package vars
