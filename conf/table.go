package conf

// How the directive table works, and how to add a directive.
//
// Every directive gw knows is one row of type directive in one of the
// slices merged by init below: mainDirectives, httpDirectives,
// proxyDirectives, logDirectives, ignoredDirectives (the core) and
// upstreamDirectives, stickyDirectives (upstream_table.go), checkDirectives
// (check_table.go), pageDirectives (page_table.go), accessDirectives
// (access_table.go), proxyRequestDirectives (proxyreq_table.go),
// realIPDirectives (realip_table.go). To add one,
// append a row to the slice of its concern:
//
//	{name: "proxy_read_timeout", ctx: ctxHSL, args: exactly(1),
//	        set: timeSetter(func(s *Settings) *time.Duration { return &s.ProxyReadTimeout })},
//
// The walker checks, in nginx's order and with nginx's words: the name is
// known (`unknown directive "x"`), some row allows the current context
// (`"x" directive is not allowed here`), braces match the row's block flag
// (`directive "x" has no opening "{"` / `directive "x" is not terminated by
// ";"`), the argument count (`invalid number of arguments in "x"
// directive`), on|off for flags, and repetition within one block for rows
// without multi (`"x" directive is duplicate`). A handler only sees
// directives that passed all of that.
//
// A row has exactly one of two functions:
//
//   - handle runs when the walker meets the directive. Structural
//     directives use it (server, location, upstream, listen, events...):
//     they create model objects and walk their block with b.walk(block, ctx).
//
//   - set is for settings that nginx inherits http -> server -> location.
//     It parses and validates the arguments when met (so errors come in file
//     order) and returns an apply closure that writes the value into a
//     *Settings. After the whole tree is walked, each level's Settings is a
//     copy of its parent's with that level's closures applied in file
//     order, so an http-level value written after the server blocks is
//     still inherited, as in nginx. A multi row that sets an array
//     (add_header, proxy_set_header...) also has reset, called once per
//     level before its first closure: nginx inherits such arrays only into
//     levels that define none.
//
// Several rows may share a name when the contexts differ (server in http is
// a block, server in upstream is a peer; keepalive_timeout in upstream is
// not the http one): the row whose ctx contains the current context wins.
// Cross references (proxy_pass -> upstream, access_log -> log_format) are
// checked after the walk with b.later, so a name may be used before the
// block that defines it.
//
// The toolbox for handlers (builder.go, setters.go): errorAt for positioned
// errors, the value subpackage for numbers, sizes, times and arguments with
// variables and for nginx's `"x" directive invalid value|number`, the
// timeSetter / sizeSetter / numberSetter / flagSetter row makers, b.path for
// file names under the prefix, b.notice / b.warn, b.later, b.http(),
// b.currentUpstream() and b.walkUpstream for the upstream block.

import (
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// ctxMask is a bitmask of the blocks a directive may appear in.
type ctxMask uint16

// The contexts. A location inside a location has its own bit so a row can
// tell them apart (nginx: named and exact locations cannot be nested).
const (
	ctxMain ctxMask = 1 << iota
	ctxEvents
	ctxHTTP
	ctxServer
	ctxLocation       // a location directly inside a server
	ctxNestedLocation // a location inside a location
	ctxUpstream

	// ctxLoc is any location, the usual mask for location-level rows.
	ctxLoc = ctxLocation | ctxNestedLocation
	// ctxHSL is nginx's NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF:
	// a setting inherited from http down to the innermost location.
	ctxHSL = ctxHTTP | ctxServer | ctxLoc
	// ctxHS is http and server only (listen-time settings such as TLS).
	ctxHS = ctxHTTP | ctxServer
	// ctxSL is server and location (return, rewrite-phase directives).
	ctxSL = ctxServer | ctxLoc
)

// arity says how many arguments a directive takes.
type arity struct {
	min, max int  // max < 0: no upper bound
	flag     bool // exactly one argument, "on" or "off" (any case, as nginx)
}

// exactly is a fixed number of arguments.
func exactly(n int) arity { return arity{min: n, max: n} }

// between is lo to hi arguments, both included.
func between(lo, hi int) arity { return arity{min: lo, max: hi} }

// atLeast is n or more arguments.
func atLeast(n int) arity { return arity{min: n, max: -1} }

// onOff is a flag directive: one argument, on or off.
var onOff = arity{min: 1, max: 1, flag: true}

// handler runs a structural directive when the walker meets it.
type handler func(b *builder, d *parser.Directive) error

// setter parses an inherited setting and returns how to apply it to one
// level's Settings. The closure must not fail: all checks happen in the
// setter so errors are reported in file order.
type setter func(b *builder, d *parser.Directive) (func(*Settings), error)

// directive is one row of the table.
type directive struct {
	name   string
	ctx    ctxMask
	args   arity
	block  bool // written with { }; the handler walks the block itself
	multi  bool // may appear more than once in one block
	handle handler
	set    setter
	reset  func(*Settings) // for multi settings: clear the inherited array
}

// table is every known directive by name; built once by init from the
// per-concern slices so that each slice stays plain data.
var table map[string][]*directive

func init() {
	table = newTable(
		mainDirectives,
		httpDirectives,
		proxyDirectives,
		logDirectives,
		ignoredDirectives,
		upstreamDirectives,
		stickyDirectives,
		checkDirectives,
		pageDirectives,
		accessDirectives,
		proxyRequestDirectives,
		realIPDirectives,
		rewriteDirectives,
		resolverDirectives,
	)
}

// newTable indexes the slices by name. A malformed row is a programming
// error caught by the package's tests, hence the panic.
func newTable(slices ...[]directive) map[string][]*directive {
	t := make(map[string][]*directive)
	for _, s := range slices {
		for i := range s {
			d := &s[i]
			if (d.handle == nil) == (d.set == nil) {
				panic("conf: directive " + d.name + " needs exactly one of handle and set")
			}
			for _, o := range t[d.name] {
				if o.ctx&d.ctx != 0 {
					panic("conf: directive " + d.name + " has two rows for one context")
				}
			}
			t[d.name] = append(t[d.name], d)
		}
	}
	return t
}

// lookup finds the row for d in context ctx and checks everything the table
// knows about it, in the order nginx's ngx_conf_handler does.
func lookup(d *parser.Directive, ctx ctxMask) (*directive, error) {
	rows, ok := table[d.Name]
	if !ok {
		return nil, errorAt(d.Pos, "unknown directive %q", d.Name)
	}
	var row *directive
	for _, r := range rows {
		if r.ctx&ctx != 0 {
			row = r
			break
		}
	}
	if row == nil {
		return nil, errorAt(d.Pos, "%q directive is not allowed here", d.Name)
	}
	if !row.block && d.IsBlock() {
		return nil, errorAt(d.Pos, "directive %q is not terminated by \";\"", d.Name)
	}
	if row.block && !d.IsBlock() {
		return nil, errorAt(d.Pos, "directive %q has no opening \"{\"", d.Name)
	}
	return row, row.args.check(d)
}

// check validates the argument count and, for flags, the value.
func (a arity) check(d *parser.Directive) error {
	n := len(d.Args)
	if n < a.min || (a.max >= 0 && n > a.max) {
		return errorAt(d.Pos, "invalid number of arguments in %q directive", d.Name)
	}
	if a.flag {
		v := d.Args[0].Value
		if !strings.EqualFold(v, "on") && !strings.EqualFold(v, "off") {
			return errorAt(d.Args[0].Pos,
				"invalid value %q in %q directive, it must be \"on\" or \"off\"", v, d.Name)
		}
	}
	return nil
}

// isOn reads a flag argument that arity.check has accepted.
func isOn(a parser.Arg) bool { return strings.EqualFold(a.Value, "on") }

// errorAt is the one way this package makes an error: nginx's message and
// the position it refers to.
func errorAt(pos parser.Pos, format string, args ...any) error {
	return parser.Errorf(pos, format, args...)
}
