// Package sticky is the configuration side of session_sticky: the
// upstream's session_sticky directive (Config, Parse), with Tengine's
// defaults and every parameter and combination checked, and the
// session_sticky_header / session_sticky_hide_cookie / session_sticky_bypass
// settings of the http, server and location levels (Settings) with their
// inheritance. It is plain data and pure parsing; the runtime that reads
// and writes cookies is the top-level sticky package, which takes Config as
// it is.
package sticky
