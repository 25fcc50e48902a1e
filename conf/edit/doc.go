// Package edit reads and rewrites gw's configuration files as text, for the
// configuration half of the runtime API: upstreams and their servers, the
// http block's server blocks (listen, server_name) and their top-level
// locations (match, proxy_pass, session_sticky_header).
//
// It is pure: it works on Files, the texts of the main file and of every
// file it includes, parsed with gw's own parser (parser.ParseFile over an
// overlay of those texts, so the disk is read only by Read), and it neither
// writes files nor checks meaning. The caller checks the edited texts as
// gw -t does (conf.LoadOptions.Overlay) and writes Files.Changed.
//
// The text is patched, never printed whole, using each directive's
// parser.Span:
//
//   - A change touches only the directives the model manages. One whose
//     value does not change keeps its text byte for byte (compared by
//     value: `server a backup weight=2;` stays as written when the model
//     says the same); a changed one is replaced by its printed form, the
//     rest of its line (a trailing comment) kept; a removed one is deleted
//     with its line, and with the comment ending that line, when it is
//     alone on it; a new one is inserted on its own line, indented like its
//     neighbours, after the last directive of its kind, else after the
//     managed kinds written before it in a new block, else first in the
//     block.
//   - Everything else is kept as is: other directives, comments, blank
//     lines, quoting, include directives (never rewritten; a resource an
//     include wrote is edited in the included file) and every file a change
//     does not touch. A file included more than once is not edited
//     (ErrShared).
//   - New blocks are printed with four spaces of indentation per level,
//     relative to their parent's; a new upstream goes after the last
//     upstream of the http block's own file (else first in the http block),
//     a new server block last in the http block, a new location last in its
//     server block.
//   - Values are written with parser.Word, quoted when needed, so that the
//     written text reads back as the same model.
//
// Upstreams are those of the http block (gw has no stream block); locations
// are indexed among a server block's top-level locations only (nested ones
// are kept with their parent). Files is not safe for concurrent use.
package edit
